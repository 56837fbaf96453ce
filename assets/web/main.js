// Starts smmu-explorer. Importing smmu_web.js alone starts nothing: its functions
// (decode, forward, walk, log) work on their own, in a page, a worker or Node.
import init, { start, load } from "./smmu_web.js";

const $ = (id) => document.getElementById(id);

function fatal(msg) {
  $("fatal").textContent = msg;
  $("fatal").hidden = false;
}

async function loadFile(file) {
  const bytes = new Uint8Array(await file.arrayBuffer());
  load(file.name, bytes);
}

try {
  await init({ module_or_path: new URL("smmu_web_bg.wasm", import.meta.url) });
  await start("smmu_canvas");
  $("loading").remove();
} catch (e) {
  fatal("smmu-explorer could not start: " + e);
}

$("file-input").addEventListener("change", (ev) => {
  const f = ev.target.files && ev.target.files[0];
  if (f) loadFile(f).catch((e) => fatal("Could not read " + f.name + ": " + e));
  ev.target.value = "";
  $("plain").hidden = true;
});
$("plain-load").addEventListener("click", () => {
  load("the plain text box", new TextEncoder().encode($("plain-text").value));
  $("plain").hidden = true;
  $("smmu_canvas").focus();
});
$("plain-close").addEventListener("click", () => { $("plain").hidden = true; });

// Offline use after the first visit (service workers need https or localhost).
if ("serviceWorker" in navigator && (location.protocol === "https:" || location.hostname === "127.0.0.1" || location.hostname === "localhost")) {
  navigator.serviceWorker.register("sw.js").catch(() => {});
}
