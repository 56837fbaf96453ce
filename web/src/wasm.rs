//! The wasm-bindgen exports: the JS API, `start`, and the test hook.

use crate::{api, app, testhook};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

thread_local! {
    static RUNNER: RefCell<Option<eframe::WebRunner>> = const { RefCell::new(None) };
    static CTX: RefCell<Option<egui::Context>> = const { RefCell::new(None) };
    static TESTHOOK: RefCell<bool> = const { RefCell::new(false) };
}

/// Milliseconds from navigation to the first frame that showed decoded registers.
static FIRST_DECODE_MS: std::sync::Mutex<Option<f64>> = std::sync::Mutex::new(None);

/// `performance.now()` when egui next needs a frame (infinite: idle until input). Reset at
/// the start of each pass; every repaint request egui records during it lowers it.
static NEXT_WAKE_MS: std::sync::Mutex<f64> = std::sync::Mutex::new(0.0);

fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map(|p| p.now()).unwrap_or(0.0)
}

/// Milliseconds until the app needs its next frame: 0 now, `Infinity` when it is idle until
/// input. The page shell (main.js) holds back `requestAnimationFrame` callbacks until then,
/// or until an input event, so an idle page does not wake 60 times a second.
#[wasm_bindgen]
pub fn next_frame_in_ms() -> f64 {
    let t = NEXT_WAKE_MS.lock().map(|t| *t).unwrap_or(0.0);
    (t - now_ms()).max(0.0)
}

/// Calls the page's `globalThis.smmuWake()` (main.js), which releases a held frame.
fn wake_page() {
    let g = js_sys::global();
    if let Ok(f) = js_sys::Reflect::get(&g, &JsValue::from_str("smmuWake")) {
        if let Ok(f) = f.dyn_into::<js_sys::Function>() {
            let _ = f.call0(&JsValue::NULL);
        }
    }
}

/// Resets [`NEXT_WAKE_MS`] when a pass starts, before egui handles its input (which may
/// request the next frame).
struct PassStart;

impl egui::Plugin for PassStart {
    fn debug_name(&self) -> &'static str {
        "smmu-web idle tracking"
    }
    fn input_hook(&mut self, _ctx: &egui::Context, _input: &mut egui::RawInput) {
        if let Ok(mut t) = NEXT_WAKE_MS.lock() {
            *t = f64::INFINITY;
        }
    }
}

fn install_repaint_observer(ctx: &egui::Context) {
    ctx.add_plugin(PassStart);
    ctx.set_repaint_observer(|info| {
        let delay = info.delay.as_secs_f64() * 1000.0;
        let at = now_ms() + delay;
        if let Ok(mut t) = NEXT_WAKE_MS.lock() {
            if at < *t {
                *t = at;
            }
        }
        if delay <= 0.0 {
            wake_page();
        }
    });
}

const THEME_KEY: &str = "smmu-explorer-theme";

fn options(v: &JsValue) -> Result<serde_json::Value, JsError> {
    let text = if v.is_undefined() || v.is_null() {
        String::new()
    } else if let Some(s) = v.as_string() {
        s
    } else {
        js_sys::JSON::stringify(v)
            .ok()
            .and_then(|s| s.as_string())
            .ok_or_else(|| JsError::new("options: cannot be turned into JSON"))?
    };
    api::options_from_json(&text).map_err(|e| JsError::new(&e.to_string()))
}

fn result(r: api::ApiResult) -> Result<String, JsError> {
    api::to_json_string(r).map_err(|e| JsError::new(&e))
}

/// `smmu decode --json`: registers with every field decoded. `options`: `{"base": "0x..."}`.
#[wasm_bindgen]
pub fn decode(text: &str, options_: JsValue) -> Result<String, JsError> {
    result(api::decode(text, &options(&options_)?))
}

/// `smmu forward --json`. `options`: `{"vmm": "strict"|"qemu-accel"|..., "claim": "...", "hosts": [...]}`.
#[wasm_bindgen]
pub fn forward(text: &str, options_: JsValue) -> Result<String, JsError> {
    result(api::forward(text, &options(&options_)?))
}

/// `smmu walk SNAPSHOT --json`. `request`: `{"sid": 0, "ssid": null, "iova": "0x...", "access": "read"}`.
#[wasm_bindgen]
pub fn walk(snapshot: &str, request: JsValue) -> Result<String, JsError> {
    result(api::walk(snapshot, &options(&request)?))
}

/// `smmu log --json`. `options`: `{"kernel": "6.12"}`.
#[wasm_bindgen]
pub fn log(text: &str, options_: JsValue) -> Result<String, JsError> {
    result(api::log(text, &options(&options_)?))
}

/// `smmu forward --format email`: the verdicts as plain text under 76 columns.
#[wasm_bindgen]
pub fn forward_email(text: &str, options_: JsValue) -> Result<String, JsError> {
    api::forward_report(text, &options(&options_)?).map(|r| r.to_email()).map_err(|e| JsError::new(&e.to_string()))
}

/// The crate version, so a page can tell which build it runs.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// Hands the running app a file or text (the page's file chooser and plain text box).
#[wasm_bindgen]
pub fn load(name: &str, bytes: &[u8]) {
    app::post_input(name, bytes.to_vec());
    CTX.with(|c| {
        if let Some(ctx) = c.borrow().as_ref() {
            ctx.request_repaint();
        }
    });
}

/// Turns on the test hook (egui's widget tree for `widget_tree()`).
#[wasm_bindgen]
pub fn enable_test_hook() {
    TESTHOOK.with(|t| *t.borrow_mut() = true);
    CTX.with(|c| {
        if let Some(ctx) = c.borrow().as_ref() {
            testhook::install(ctx);
            ctx.request_repaint();
        }
    });
}

/// The last frame's widgets as JSON `[{role, label, value, x, y, w, h, ...}]` (test hook).
#[wasm_bindgen]
pub fn widget_tree() -> String {
    testhook::snapshot_json()
}

/// Milliseconds from navigation to the first frame showing decoded registers (or -1).
#[wasm_bindgen]
pub fn first_decode_ms() -> f64 {
    FIRST_DECODE_MS.lock().ok().and_then(|v| *v).unwrap_or(-1.0)
}

fn show_fatal(msg: &str) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return };
    if let Some(el) = doc.get_element_by_id("fatal") {
        el.set_text_content(Some(msg));
        let _ = el.remove_attribute("hidden");
    }
}

fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        show_fatal(&format!(
            "smmu-explorer stopped on an internal error (a bug: please report it with the input that caused it). Reload the page to continue. Details: {info}"
        ));
        previous(info);
    }));
}

struct WebPlatform;

impl app::Platform for WebPlatform {
    fn set_fragment(&mut self, fragment: &str) {
        if let Some(h) = web_sys::window().and_then(|w| w.history().ok()) {
            let _ = h.replace_state_with_url(&JsValue::NULL, "", Some(&format!("#{fragment}")));
        }
    }
    fn page_url(&self) -> String {
        let href = web_sys::window().and_then(|w| w.location().href().ok()).unwrap_or_default();
        href.split('#').next().unwrap_or_default().to_string()
    }
    fn open_file(&mut self) -> bool {
        let el = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id("file-input"))
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
        match el {
            Some(e) => {
                e.click();
                true
            }
            None => false,
        }
    }
    fn show_plain_box(&mut self) -> bool {
        let doc = web_sys::window().and_then(|w| w.document());
        let Some(doc) = doc else { return false };
        let Some(d) = doc.get_element_by_id("plain") else { return false };
        let _ = d.remove_attribute("hidden");
        if let Some(t) = doc.get_element_by_id("plain-text").and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
            let _ = t.focus();
        }
        true
    }
    fn stored_theme(&self) -> Option<crate::state::Theme> {
        use crate::state::Named;
        let s = web_sys::window()?.local_storage().ok()??;
        crate::state::Theme::from_key(&s.get_item(THEME_KEY).ok()??)
    }
    fn store_theme(&mut self, t: crate::state::Theme) {
        use crate::state::Named;
        if let Some(s) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
            let _ = s.set_item(THEME_KEY, t.key());
        }
    }
    fn open_sample_snapshot(&mut self) {
        let ctx = CTX.with(|c| c.borrow().clone());
        wasm_bindgen_futures::spawn_local(async move {
            let got = async {
                let w = web_sys::window()?;
                let resp: web_sys::Response =
                    wasm_bindgen_futures::JsFuture::from(w.fetch_with_str(app::SAMPLE_SNAPSHOT_URL))
                        .await
                        .ok()?
                        .dyn_into()
                        .ok()?;
                if !resp.ok() {
                    return None;
                }
                let buf = wasm_bindgen_futures::JsFuture::from(resp.array_buffer().ok()?).await.ok()?;
                Some(js_sys::Uint8Array::new(&buf).to_vec())
            }
            .await;
            match got {
                Some(b) => app::post_input(app::SAMPLE_SNAPSHOT_NAME, b),
                None => app::post_input(&format!("{} (could not be fetched)", app::SAMPLE_SNAPSHOT_URL), Vec::new()),
            }
            if let Some(c) = ctx {
                c.request_repaint();
            }
        });
    }
    fn mark_decoded(&mut self) {
        if let Ok(mut v) = FIRST_DECODE_MS.lock() {
            if v.is_none() {
                *v = web_sys::window().and_then(|w| w.performance()).map(|p| p.now());
            }
        }
    }
}

/// Starts the app on the canvas with this id. The page calls it; importing the module does not.
#[wasm_bindgen]
pub async fn start(canvas_id: String) -> Result<(), JsValue> {
    install_panic_hook();
    let window = web_sys::window().ok_or_else(|| JsValue::from_str("no window"))?;
    let document = window.document().ok_or_else(|| JsValue::from_str("no document"))?;
    let canvas = document
        .get_element_by_id(&canvas_id)
        .ok_or_else(|| JsValue::from_str(&format!("no element with id {canvas_id:?}")))?
        .dyn_into::<web_sys::HtmlCanvasElement>()
        .map_err(|_| JsValue::from_str(&format!("#{canvas_id} is not a canvas")))?;
    let fragment = window.location().hash().ok();
    let hook =
        window.location().search().map(|s| s.contains("testhook")).unwrap_or(false) || TESTHOOK.with(|t| *t.borrow());
    let runner = eframe::WebRunner::new();
    RUNNER.with(|r| *r.borrow_mut() = Some(runner.clone()));
    runner
        .start(
            canvas,
            eframe::WebOptions::default(),
            Box::new(move |cc| {
                cc.egui_ctx.set_fonts(app::fonts());
                install_repaint_observer(&cc.egui_ctx);
                if hook {
                    testhook::install(&cc.egui_ctx);
                }
                CTX.with(|c| *c.borrow_mut() = Some(cc.egui_ctx.clone()));
                Ok(Box::new(app::App::new(Box::new(WebPlatform), fragment.as_deref())))
            }),
        )
        .await
}
