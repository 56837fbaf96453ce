// Browser test of the web app: headless Chromium (Debian's) driven by playwright-core.
//
//   node scripts/web-test.mjs --url http://127.0.0.1:PORT --dist web/dist \
//        --sample assets/samples/qemu-10.0-s1.txt --cli-json FILE|none --out DIR
//
// Loads the page, pastes a dump through the browser's paste event, reads what the page shows
// through the app's widget-tree hook (egui draws to a canvas: there is no DOM to query),
// clicks widgets by label, compares the JS API with the CLI's --json, checks that no request
// left 127.0.0.1, measures load time, and takes a screenshot. Prints "N passed, M failed".

import { createRequire } from "node:module";
import fs from "node:fs";
import path from "node:path";
import util from "node:util";

const args = util.parseArgs({
  options: {
    url: { type: "string" },
    dist: { type: "string" },
    sample: { type: "string" },
    cli: { type: "string", default: "" },
    snapshot: { type: "string" },
    klog: { type: "string" },
    scenario: { type: "string", default: "assets/scenarios/01-s1-4k-48bit-2m-block.json" },
    nested: { type: "string", default: "assets/scenarios/05-nested-4k-over-4k.json" },
    out: { type: "string", default: "." },
    modules: { type: "string", default: "" },
  },
}).values;

const require = createRequire(path.resolve(args.modules || ".", "package.json"));
const { chromium } = require("playwright-core");

let passed = 0;
let failed = 0;
function check(name, ok, detail = "") {
  if (ok) {
    passed++;
    console.log(`ok   ${name}${detail ? ": " + detail : ""}`);
  } else {
    failed++;
    console.log(`FAIL ${name}${detail ? ": " + detail : ""}`);
  }
}

const sample = fs.readFileSync(args.sample, "utf8");
const userDir = fs.mkdtempSync(path.join(fs.realpathSync("/tmp"), "smmu-web-chromium-"));
const browser = await chromium.launchPersistentContext(userDir, {
  executablePath: "/usr/bin/chromium",
  headless: true,
  viewport: { width: 1400, height: 900 },
  args: [
    "--headless", "--no-sandbox", "--disable-gpu", "--enable-unsafe-swiftshader",
    "--disable-background-networking", "--disable-component-update", "--no-first-run",
  ],
});

const requests = [];
browser.on("request", (r) => requests.push(r.url()));
// Counts the animation-frame callbacks the browser really runs (main.js wraps this one).
await browser.addInitScript(() => {
  const raf = window.requestAnimationFrame.bind(window);
  globalThis.__rafCount = 0;
  window.requestAnimationFrame = (cb) => raf((t) => { globalThis.__rafCount++; cb(t); });
});
const consoleErrors = [];

async function openPage(suffix) {
  const page = await browser.newPage();
  page.on("console", (m) => { if (m.type() === "error") consoleErrors.push(m.text()); });
  page.on("pageerror", (e) => consoleErrors.push(String(e)));
  const t0 = Date.now();
  await page.goto(args.url + "/index.html?testhook" + suffix);
  return { page, t0 };
}

// The module may not be initialised yet on a fresh page: then there is no tree yet.
const tree = (page) => page.evaluate(async () => {
  try { return JSON.parse((await import("./smmu_web.js")).widget_tree()); } catch { return []; }
});

async function waitFor(page, pred, what, ms = 10000) {
  const end = Date.now() + ms;
  for (;;) {
    const t = await tree(page);
    const hit = t.find(pred);
    if (hit) return hit;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; widgets: ${t.map((n) => n.label).filter(Boolean).slice(0, 40).join(" | ")}`);
    await page.waitForTimeout(25);
  }
}
const byLabel = (l) => (n) => n.label === l || n.value === l;
const labelHas = (s) => (n) => (n.label || "").includes(s) || (n.value || "").includes(s);

async function click(page, label) {
  const n = await waitFor(page, byLabel(label), `widget "${label}"`);
  await page.mouse.click(n.x + n.w / 2, n.y + n.h / 2);
  await page.waitForTimeout(50);
}

async function paste(page, text) {
  await page.evaluate((text) => {
    const dt = new DataTransfer();
    dt.setData("text/plain", text);
    document.dispatchEvent(new ClipboardEvent("paste", { clipboardData: dt, bubbles: true }));
  }, text);
}

// The tab that is selected (tabs are selectable labels: the tree marks the chosen one).
const TABS = ["Decode", "Forward", "Guest IDRs", "Claim check", "Host diff", "Kernel log", "Walk", "Encode"];
async function selectedTab(page) {
  const t = await tree(page);
  return (t.find((n) => TABS.includes(n.label) && (n.selected || n.toggled)) || {}).label;
}
async function waitTab(page, want) {
  const end = Date.now() + 10000;
  while (Date.now() < end) {
    if ((await selectedTab(page)) === want) return true;
    await page.waitForTimeout(25);
  }
  return false;
}

try {
  // 1. The app starts and draws.
  const { page } = await openPage("");
  await waitFor(page, byLabel("Sample"), "the app to start");
  check("app starts and exposes its widget tree", true);
  const fatalHidden = await page.evaluate(() => document.getElementById("fatal").hidden);
  check("no fatal error banner", fatalHidden);

  // 2. Paste through the browser's own paste event (what Ctrl/Cmd-V delivers).
  await page.mouse.click(900, 600); // focus the canvas, not a text field
  await page.evaluate((text) => {
    const dt = new DataTransfer();
    dt.setData("text/plain", text);
    document.dispatchEvent(new ClipboardEvent("paste", { clipboardData: dt, bubbles: true }));
  }, sample);
  const decoded = await waitFor(page, (n) => labelHas("registers decoded")(n) || labelHas("line ")(n), "the pasted dump to be decoded");
  const decodedText = decoded.label || decoded.value;
  const regsDecoded = decodedText.includes("registers decoded");
  check("paste is taken as the input", true, decodedText);
  if (regsDecoded) {
    await waitFor(page, labelHas("IDR0  0x0d44101a"), "the IDR0 header");
    check("decode view shows IDR0 = 0x0d44101a", true);
    const st = await waitFor(page, byLabel("ST_LEVEL"), "the ST_LEVEL field");
    check("decode view shows field ST_LEVEL", !!st);
  }

  // 3. Views by clicking their tabs.
  await click(page, "Forward");
  await waitFor(page, labelHas("VMM profile"), "the forward view");
  await click(page, "QEMU accel");
  const fwdVerdicts = (await tree(page)).some(labelHas("BTM"));
  const fwdNotice = (await tree(page)).some(labelHas("not available in this build yet"));
  check("forward view shows verdicts or says they are not available", fwdVerdicts || fwdNotice, fwdVerdicts ? "verdicts" : "notice");
  await page.waitForTimeout(100);
  await page.screenshot({ path: path.join(args.out, "web-forward.png") });
  await click(page, "Decode");

  // 3b. The plain HTML text box and the file chooser (paste fallbacks).
  await click(page, "Plain text box");
  const plainShown = await page.evaluate(() => !document.getElementById("plain").hidden);
  check("Plain text box opens the HTML text area", plainShown);
  await page.fill("#plain-text", "IDR0 = 0x0d44101b\n");
  await page.click("#plain-load");
  await waitFor(page, labelHas("IDR0  0x0d44101b"), "the plain text box's input to be decoded");
  check("text from the plain text box is decoded", true);
  await page.setInputFiles("#file-input", { name: "s2.txt", mimeType: "text/plain", buffer: Buffer.from("IDR0 = 0x0d441019\n") });
  await waitFor(page, labelHas("IDR0  0x0d441019"), "the opened file to be decoded");
  check("an opened file is decoded", true);
  await page.mouse.click(900, 600);
  await page.evaluate((text) => {
    const dt = new DataTransfer();
    dt.setData("text/plain", text);
    document.dispatchEvent(new ClipboardEvent("paste", { clipboardData: dt, bubbles: true }));
  }, sample);
  await waitFor(page, labelHas("IDR0  0x0d44101a"), "the sample again");

  // 4. The URL fragment carries the state.
  const hash = await page.evaluate(() => location.hash);
  check("state is in the URL fragment", hash.startsWith("#s1."), `${hash.length} characters`);

  // 5. The JS API gives the CLI's JSON, in the page and in Node.
  const apiJson = await page.evaluate(async (text) => {
    const m = await import("./smmu_web.js");
    try { return JSON.parse(m.decode(text)); } catch (e) { return { error: String(e) }; }
  }, sample);
  // Each call beside the CLI command that produced the file (80-web.sh ran them).
  const snapshot = fs.readFileSync(args.snapshot, "utf8");
  const klog = fs.readFileSync(args.klog, "utf8");
  const parity = [
    ["decode", "cli-decode.json", "smmu decode --json", (m, a) => m.decode(a.sample)],
    ["forward", "cli-forward.json", "smmu forward --json", (m, a) => m.forward(a.sample, { names: [a.samplePath] })],
    ["walk", "cli-walk.json", "smmu walk --sid 0x18 --iova 0x12345000 --unpriv --json", (m, a) => m.walk(a.snapshot, { sid: "0x18", iova: "0x12345000", unpriv: true })],
    ["log", "cli-log.json", "smmu log --json", (m, a) => m.log(a.klog)],
  ];
  const inputs = { sample, samplePath: args.sample, snapshot, klog };
  for (const [fn, file, cmd, call] of parity) {
    const cliFile = path.join(args.cli, file);
    if (!args.cli || !fs.existsSync(cliFile)) {
      console.log(`skip ${fn}(): no CLI output (${cmd}) in this build`);
      continue;
    }
    const cli = JSON.parse(fs.readFileSync(cliFile, "utf8"));
    const inPage = await page.evaluate(async ({ fn, inputs }) => {
      const m = await import("./smmu_web.js");
      const calls = {
        decode: (a) => m.decode(a.sample),
        forward: (a) => m.forward(a.sample, { names: [a.samplePath] }),
        walk: (a) => m.walk(a.snapshot, { sid: "0x18", iova: "0x12345000", unpriv: true }),
        log: (a) => m.log(a.klog),
      };
      try { return JSON.parse(calls[fn](inputs)); } catch (e) { return { error: String(e) }; }
    }, { fn, inputs });
    const same = util.isDeepStrictEqual(inPage, cli);
    check(`JS ${fn}() in the page equals \`${cmd}\``, same, same ? "" : JSON.stringify(inPage).slice(0, 300));
    parity.find((p) => p[0] === fn).push(inPage);
  }
  const glue = await import(path.resolve(args.dist, "smmu_web.js"));
  await glue.default({ module_or_path: fs.readFileSync(path.resolve(args.dist, "smmu_web_bg.wasm")) });
  let nodeJson;
  try { nodeJson = JSON.parse(glue.decode(sample)); } catch (e) { nodeJson = { error: String(e) }; }
  check("the module works in Node without starting the app", util.isDeepStrictEqual(nodeJson, apiJson));
  for (const [fn, , , call, inPage] of parity) {
    if (inPage === undefined) continue;
    let out;
    try { out = JSON.parse(call(glue, inputs)); } catch (e) { out = { error: String(e) }; }
    check(`Node ${fn}() equals the page's`, util.isDeepStrictEqual(out, inPage));
  }
  let threw = false;
  try { glue.decode("\u0000 not a dump ]["); } catch (e) { threw = e instanceof Error; }
  check("bad input throws an Error (no trap)", threw);
  check("decode still works after bad input", util.isDeepStrictEqual(JSON.parse(glue.decode("IDR0 = 0x0d44101a")).registers[0].value, "0x0d44101a"));
  for (const [fn, call] of [["forward", () => glue.forward(sample, { vmm: "strict" })], ["log", () => glue.log(sample)], ["walk", () => glue.walk("{}", { sid: 0, iova: "0x0" })]]) {
    let out;
    try { out = JSON.parse(call()); } catch (e) { out = String(e); }
    check(`${fn}() answers with JSON or a clear error`, typeof out === "object" || /not available in this build yet|line|snapshot|expected/.test(out), typeof out === "object" ? "JSON" : out.slice(0, 100));
  }

  // 6. Screenshot of the decoded dump.
  const shot = path.join(args.out, "web-decode.png");
  await page.screenshot({ path: shot });
  check("screenshot taken", fs.statSync(shot).size > 10000, shot);

  // 6b. The light theme.
  await click(page, "Light theme");
  await waitFor(page, byLabel("Dark theme"), "the theme switch");
  await page.waitForTimeout(100);
  await page.screenshot({ path: path.join(args.out, "web-light.png") });
  check("theme switches to light", true);

  // 7. Opening the link decodes it without a server round trip: time navigation -> first decoded frame.
  const times = [];
  for (let i = 0; i < 3; i++) {
    const { page: p2, t0 } = await openPage(hash);
    await waitFor(p2, (n) => labelHas("IDR0  0x0d44101a")(n) || labelHas("line ")(n), "the shared link's decode");
    const wall = Date.now() - t0;
    const firstMs = await p2.evaluate(async () => (await import("./smmu_web.js")).first_decode_ms());
    times.push({ wall, firstMs });
    await p2.close();
  }
  const best = times.reduce((a, b) => (b.firstMs > 0 && b.firstMs < a.firstMs ? b : a), times[0]);
  console.log(`measure navigation -> first decoded frame: ${times.map((t) => `${t.firstMs.toFixed(0)} ms (wall ${t.wall} ms)`).join(", ")}`);
  check("a shared link reproduces the decode", true);
  // A measurement, not a pass/fail (speed depends on the machine): the goal is under 1 s.
  if (regsDecoded) check("first decoded frame recorded", best.firstMs > 0, `best ${best.firstMs.toFixed(0)} ms (goal < 500 ms)`);
  // Reported, not pass/fail: timing depends on the machine (docs/DEVELOPING.md).
  console.log(`measure first decoded frame, best of three: ${best.firstMs.toFixed(0)} ms (goal < 500 ms headless)`);

  // 9. Issue 12's browser items.
  {
    const { page: p } = await openPage("");
    await waitFor(p, byLabel("Sample"), "the app to start");
    await p.mouse.click(900, 600);
    // Paste routing by type.
    await paste(p, klog);
    check("a pasted kernel log opens the Kernel log tab", await waitTab(p, "Kernel log"), await selectedTab(p));
    check("no red 'no register values found' for a log", !(await tree(p)).some(labelHas("no register values found")));
    const ev = (await tree(p)).find(labelHas("from StreamID 0x18"));
    check("Kernel log: one-line event summaries in hex", !!ev && !(await tree(p)).some(labelHas("sid 24")), ev ? ev.label.slice(0, 90) : "none");
    check("Kernel log: the selected event's full decode", (await tree(p)).some(labelHas("likely cause")));
    await p.screenshot({ path: path.join(args.out, "web-log-routed.png") });
    await paste(p, sample);
    check("a pasted dump opens Decode", await waitTab(p, "Decode"), await selectedTab(p));
    await click(p, "Kernel log");
    await p.waitForTimeout(100);
    check("a dump's # comment is not an unrecognised log line", !(await tree(p)).some(labelHas("not understood")));
    const scenario = fs.readFileSync(args.scenario, "utf8");
    await paste(p, scenario);
    check("a pasted scenario is built and opened on Walk", await waitTab(p, "Walk"), await selectedTab(p));
    check("the scenario's walk ran", !!(await waitFor(p, labelHas("step 0 of"), "the scenario's walk").catch(() => null)));
    check("the scenario's suggested walks are listed", (await tree(p)).some(labelHas("Suggested walks")));
    await paste(p, snapshot);
    check("a pasted snapshot opens Walk", await waitTab(p, "Walk"), await selectedTab(p));
    // Valid streams as choices: the combo box lists the stream table's STEs.
    const combo = await waitFor(p, (n) => /^0x[0-9a-f]+$/.test(n.label || n.value || "") && n.role === "ComboBox", "the stream choice").catch(() => null)
      || (await tree(p)).find((n) => n.role === "ComboBox" && /0x/.test(n.value || n.label || ""));
    if (combo) {
      await p.mouse.click(combo.x + combo.w / 2, combo.y + combo.h / 2);
      await p.waitForTimeout(150);
    }
    const choices = (await tree(p)).filter((n) => /^0x[0-9a-f]+  /.test(n.label || ""));
    check("Walk: the snapshot's valid streams are offered", choices.length > 0, choices.map((c) => c.label).join(" | ").slice(0, 200));
    await p.keyboard.press("Escape");
    // Enter in a box runs the walk: the kernel logged F_TRANSLATION for SID 0x18 IOVA 0x12345000.
    const iovaLabel = (await tree(p)).filter(byLabel("IOVA")).pop();
    const boxes = (await tree(p)).filter((n) => /TextInput/.test(n.role) && Math.abs(n.y - iovaLabel.y) < 12 && n.x > iovaLabel.x).sort((a, b) => a.x - b.x);
    const iova = boxes[0] || iovaLabel;
    await p.mouse.click(iova.x + iova.w / 2, iova.y + iova.h / 2);
    await p.keyboard.press("Control+A");
    await p.keyboard.type("0x12345000");
    await p.keyboard.press("Enter");
    check("Enter runs the walk", !!(await waitFor(p, labelHas("step 0 of"), "the walk after Enter").catch(() => null)), iova.role);
    await click(p, "All steps");
    check("the walk ends in its outcome", !!(await waitFor(p, labelHas("Outcome:"), "the outcome").catch(() => null)));
    // / focuses search (typing then filters), Ctrl-F too.
    await p.mouse.click(1300, 850);
    await p.keyboard.press("/");
    await p.waitForTimeout(100);
    await p.keyboard.type("ST_LEVEL");
    check("/ focuses search", !!(await waitFor(p, labelHas('Fields matching "ST_LEVEL"'), "the search").catch(() => null)));
    await click(p, "Clear search");
    await p.mouse.click(1300, 850);
    await p.keyboard.press("Control+F");
    await p.waitForTimeout(100);
    await p.keyboard.type("TTENDIAN");
    check("Ctrl-F focuses search", !!(await waitFor(p, labelHas('Fields matching "TTENDIAN"'), "the search").catch(() => null)));
    await click(p, "Clear search");
    // The nested grid.
    await p.mouse.click(1300, 850);
    await paste(p, fs.readFileSync(args.nested, "utf8"));
    await waitTab(p, "Walk");
    await click(p, "All steps");
    check("Walk: the nested grid", !!(await waitFor(p, labelHas("Nested: stage-2 walks"), "the nested grid").catch(() => null)));
    await p.screenshot({ path: path.join(args.out, "web-walk-nested.png") });
    // The built-in sample snapshot, one click away.
    await click(p, "Open the built-in sample snapshot");
    check("Walk: the built-in sample snapshot opens", !!(await waitFor(p, labelHas("the built-in QEMU 10.0 stage-1 snapshot"), "the sample snapshot").catch(() => null)));
    // The theme is remembered and in the link (section 6b left it light: that is remembered).
    if ((await tree(p)).some(byLabel("Dark theme"))) await click(p, "Dark theme");
    await click(p, "Light theme");
    await waitFor(p, byLabel("Dark theme"), "the theme switch");
    const { page: p3 } = await openPage("");
    check("the theme is remembered", !!(await waitFor(p3, byLabel("Dark theme"), "the remembered theme").catch(() => null)));
    await click(p3, "Dark theme");
    await p3.close();
    const lightHash = await p.evaluate(() => location.hash);
    const { page: p4 } = await openPage(lightHash);
    check("the theme is in the link", !!(await waitFor(p4, byLabel("Dark theme"), "the linked theme").catch(() => null)));
    await p4.close();
    await click(p, "Dark theme");

    // Idle: no animation frames and (almost) no CPU while nothing happens.
    await paste(p, sample);
    await waitTab(p, "Decode");
    await p.mouse.move(5, 895);
    await p.waitForTimeout(1500);
    const cdp = await p.context().newCDPSession(p);
    await cdp.send("Performance.enable");
    const m0 = await cdp.send("Performance.getMetrics");
    const f0 = await p.evaluate(() => globalThis.__rafCount || 0);
    const idleMs = 4000;
    await p.waitForTimeout(idleMs);
    const f1 = await p.evaluate(() => globalThis.__rafCount || 0);
    const m1 = await cdp.send("Performance.getMetrics");
    const metric = (m, k) => (m.metrics.find((x) => x.name === k) || { value: 0 }).value;
    const busy = metric(m1, "TaskDuration") - metric(m0, "TaskDuration");
    const fps = (f1 - f0) / (idleMs / 1000);
    const core = (100 * busy) / (idleMs / 1000);
    console.log(`measure idle page: ${fps.toFixed(2)} animation frames/s, ${core.toFixed(2)} % of a core (TaskDuration over ${idleMs} ms)`);
    check("idle page sleeps: no animation frames", fps < 0.5, `${fps.toFixed(2)} frames/s`);
    check("idle page uses under 1 % of a core", core < 1, `${core.toFixed(2)} %`);
    // ...and still wakes for input.
    await click(p, "Forward");
    check("the sleeping page wakes for a click", await waitTab(p, "Forward"));

    // Layout at 1400, 800 and 390 px: every tab, screenshots; Reason fits; tab labels whole.
    for (const w of [1400, 800, 390]) {
      await p.setViewportSize({ width: w, height: 900 });
      await p.waitForTimeout(200);
      for (const tab of TABS) {
        const t = await tree(p);
        const n = t.find(byLabel(tab));
        if (!n) { check(`${w} px: tab ${tab} is shown`, false); continue; }
        if (w === 390) check(`390 px: tab label "${tab}" on one line`, n.w > n.h && n.x + n.w <= 391, `${n.w.toFixed(0)}x${n.h.toFixed(0)} at ${n.x.toFixed(0)}`);
        await p.mouse.click(n.x + n.w / 2, n.y + n.h / 2);
        if (tab === "Claim check") {
          const box = (await tree(p)).filter(byLabel("Claimed IDRs")).pop();
          if (box && !(await tree(p)).some(labelHas("over-claim"))) {
            await p.mouse.click(box.x + 20, box.y + box.h / 2 + 20);
            await p.keyboard.type("IDR0 = 0x0d44103a\n");
            await p.mouse.click(w - 5, 895);
          }
        }
        if (tab === "Host diff") {
          const box = (await tree(p)).filter(byLabel("Other host")).pop();
          if (box && !(await tree(p)).some(labelHas("Pool guest"))) {
            await p.mouse.click(box.x + 20, box.y + box.h / 2 + 20);
            await p.keyboard.type("IDR0 = 0x0d441019\n");
            await p.mouse.click(w - 5, 895);
          }
        }
        await p.waitForTimeout(150);
        const name = tab.toLowerCase().replace(/ /g, "-");
        await p.screenshot({ path: path.join(args.out, `tab-${name}-${w}.png`) });
        if (["Forward", "Claim check", "Host diff"].includes(tab)) {
          const col = tab === "Host diff" ? "Why" : "Reason";
          const t2 = await tree(p);
          const head = t2.find(byLabel(col));
          // The column's cells: the long texts right of the header.
          const cells = head ? t2.filter((n) => n.label && n.label.length > 40 && n.x >= head.x - 1 && n.y > head.y) : [];
          const narrowest = cells.length ? Math.min(...cells.map((c) => c.w)) : 0;
          const ok = w === 390 ? cells.every((c) => c.x + c.w <= 391) : !!head && head.x + head.w <= w + 1 && cells.every((c) => c.x + c.w <= w + 1) && (cells.length === 0 || narrowest > 150);
          check(`${w} px: ${tab}'s ${col} column fits and is not squeezed`, ok, head ? `header at ${head.x.toFixed(0)}, ${cells.length} cells, narrowest ${narrowest.toFixed(0)} px` : "no header");
        }
      }
    }
    await p.setViewportSize({ width: 1400, height: 900 });
    await p.close();
  }

  // 10. Size: the compressed files a host serves (dist holds .gz and .br beside each file).
  {
    const files = fs.readdirSync(args.dist).filter((f) => /\.(wasm|js|html|css)$/.test(f));
    let raw = 0, gz = 0, br = 0;
    for (const f of files) {
      raw += fs.statSync(path.join(args.dist, f)).size;
      gz += fs.existsSync(path.join(args.dist, f + ".gz")) ? fs.statSync(path.join(args.dist, f + ".gz")).size : 0;
      br += fs.existsSync(path.join(args.dist, f + ".br")) ? fs.statSync(path.join(args.dist, f + ".br")).size : 0;
    }
    console.log(`measure download (${files.join(", ")}): ${raw} bytes raw, ${gz} gzip, ${br} brotli`);
    check("precompressed .gz and .br files are in dist", gz > 0 && br > 0);
    // Reported, not pass/fail (issue 16's goal is 1.0 MB; see docs/web.md for where it stands).
    console.log(`measure download vs goal: ${br} bytes brotli, ${br <= 1000000 ? "within" : "over"} the 1,000,000-byte goal`);
  }

  // 8. No request left 127.0.0.1.
  const foreign = requests.filter((u) => { try { const h = new URL(u).hostname; return !(h === "127.0.0.1") && !u.startsWith("data:") && !u.startsWith("blob:"); } catch { return true; } });
  check("no request left 127.0.0.1", foreign.length === 0, `${requests.length} requests${foreign.length ? "; foreign: " + foreign.join(", ") : ""}`);
  const realErrors = consoleErrors.filter((e) => !/favicon/.test(e));
  check("no errors on the console", realErrors.length === 0, realErrors.slice(0, 3).join(" | "));
} catch (e) {
  check("browser test ran to the end", false, String(e && e.stack || e));
} finally {
  await browser.close();
  fs.rmSync(userDir, { recursive: true, force: true });
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
