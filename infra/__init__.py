"""What `chalice deploy` does not create: the CloudFormation template and the deploy script."""
