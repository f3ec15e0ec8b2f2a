/**
 * A QR code as an SVG drawn with DOM calls (no markup string, no inline style): the modules
 * come from the vendored qrcode-generator (MIT, static-site/console/package.json), loaded on
 * first use — only at an authenticator enrolment.
 */

const SVG = "http://www.w3.org/2000/svg";
const QUIET_ZONE = 4; // modules of white around the code, as the standard asks

let library = null;

function loadLibrary() {
  if (!library) {
    library = import(new URL("../vendor/qrcode.mjs", import.meta.url).href).catch((error) => {
      library = null;
      throw error;
    });
  }
  return library;
}

/** An <svg role="img"> of `text`, described by `label` for screen readers. */
export async function qrCode(text, label) {
  const { default: qrcode } = await loadLibrary();
  const code = qrcode(0, "M"); // smallest version that fits, medium error correction
  code.addData(text);
  code.make();
  const count = code.getModuleCount();
  const size = count + QUIET_ZONE * 2;
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", `0 0 ${size} ${size}`);
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", label);
  svg.setAttribute("shape-rendering", "crispEdges");
  svg.dataset.modules = String(count);
  const background = document.createElementNS(SVG, "rect");
  background.setAttribute("width", String(size));
  background.setAttribute("height", String(size));
  background.setAttribute("fill", "#fff");
  const path = document.createElementNS(SVG, "path");
  const parts = [];
  for (let row = 0; row < count; row += 1) {
    for (let column = 0; column < count; column += 1) {
      if (code.isDark(row, column)) parts.push(`M${column + QUIET_ZONE} ${row + QUIET_ZONE}h1v1h-1z`);
    }
  }
  path.setAttribute("d", parts.join(""));
  path.setAttribute("fill", "#000");
  svg.append(background, path);
  return svg;
}
