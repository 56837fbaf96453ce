// Starts smmu-explorer. Importing smmu_web.js alone starts nothing: its functions
// (decode, forward, walk, log) work on their own, in a page, a worker or Node.
import init, { start, load, next_frame_in_ms } from "./smmu_web.js";

const $ = (id) => document.getElementById(id);

function fatal(msg) {
  $("fatal").textContent = msg;
  $("fatal").hidden = false;
}

async function loadFile(file) {
  const bytes = new Uint8Array(await file.arrayBuffer());
  load(file.name, bytes);
  wake();
}

// The module is built with WebAssembly SIMD (+simd128). A browser without it gets a clear
// message instead of a compile error. (A module using one v128 instruction.)
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]);

// The idle page sleeps: eframe asks for an animation frame after every frame and only then
// checks whether anything changed, which wakes the page about 60 times a second. Frames are
// held back until the app needs one (next_frame_in_ms) or an input event arrives.
const realRAF = window.requestAnimationFrame.bind(window);
let gate = false;
let held = null;
let timer = 0;
function wake() {
  if (held === null) return;
  const cb = held;
  held = null;
  clearTimeout(timer);
  realRAF(cb);
}
globalThis.smmuWake = wake;
window.requestAnimationFrame = (cb) => {
  const ms = gate ? next_frame_in_ms() : 0;
  if (!(ms > 0)) return realRAF(cb);
  held = cb;
  clearTimeout(timer);
  if (Number.isFinite(ms)) timer = setTimeout(wake, Math.min(ms, 2147483647));
  return 0;
};
for (const ev of ["pointerdown", "pointermove", "pointerup", "pointerleave", "wheel", "keydown", "keyup", "input",
  "compositionstart", "compositionend", "paste", "copy", "cut", "drop", "dragover", "dragleave", "touchstart",
  "touchmove", "touchend", "focus", "blur", "resize", "hashchange", "visibilitychange"]) {
  window.addEventListener(ev, wake, { capture: true, passive: true });
}

try {
  if (!WebAssembly.validate(SIMD_PROBE)) {
    throw new Error("this browser lacks WebAssembly SIMD (Chrome 91+, Firefox 89+, Safari 16.4+ have it); please use a newer browser");
  }
  await init({ module_or_path: new URL("smmu_web_bg.wasm", import.meta.url) });
  await start("smmu_canvas");
  gate = true;
  $("loading").remove();
} catch (e) {
  fatal("smmu-explorer could not start: " + (e && e.message ? e.message : e));
}

$("file-input").addEventListener("change", (ev) => {
  const f = ev.target.files && ev.target.files[0];
  if (f) loadFile(f).catch((e) => fatal("Could not read " + f.name + ": " + e));
  ev.target.value = "";
  $("plain").hidden = true;
});
$("plain-load").addEventListener("click", () => {
  load("the plain text box", new TextEncoder().encode($("plain-text").value));
  wake();
  $("plain").hidden = true;
  $("smmu_canvas").focus();
});
$("plain-close").addEventListener("click", () => { $("plain").hidden = true; });

// Offline use after the first visit (service workers need https or localhost).
if ("serviceWorker" in navigator && (location.protocol === "https:" || location.hostname === "127.0.0.1" || location.hostname === "localhost")) {
  navigator.serviceWorker.register("sw.js").catch(() => {});
}
