"""Domain and data code packaged with app.py into the Lambda zip."""
