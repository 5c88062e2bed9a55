//! The event map drawn as SVG: the boxes and lines of [`super::layout`], zoomed and
//! moved by changing the `viewBox` (buttons, Ctrl + wheel, dragging). Every box says in
//! its label (and tooltip) what it is and which side of which channel it is on, so the
//! picture reads with a screen reader too; all text from documents is text, escaped.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use portico_types::event_map::{EventMap, Side};

use super::layout::{APP_WIDTH, AppBox, BOX_HEIGHT, CHANNEL_WIDTH, ChannelBox, HEADING_Y, layout};

/// Each zoom step, and how far the view may zoom out and in.
const ZOOM_STEP: f64 = 1.25;
const MIN_ZOOM: f64 = 0.5;
const MAX_ZOOM: f64 = 8.0;
/// How far (in screen pixels) the pointer may move before a press is a drag, not a click.
const DRAG_SLOP: f64 = 4.0;

/// Where the view is: zoom factor and the point of the picture in its middle.
#[derive(Debug, Clone, Copy, PartialEq)]
struct View {
    zoom: f64,
    center: (f64, f64),
}

/// A drag in progress: where it started, on screen and in the picture.
#[derive(Debug, Clone, Copy)]
struct Drag {
    x: f64,
    y: f64,
    center: (f64, f64),
    moved: bool,
}

/// The graph with its zoom controls.
#[component]
pub fn Graph(map: EventMap) -> impl IntoView {
    let picture = layout(&map);
    let (width, height) = (picture.width, picture.height);
    let home = View {
        zoom: 1.0,
        center: (width / 2.0, height / 2.0),
    };
    let view = RwSignal::new(home);
    let drag = StoredValue::new(None::<Drag>);
    let dragged = StoredValue::new(false);
    let view_box = move || {
        let View { zoom, center } = view.get();
        let (w, h) = (width / zoom, height / zoom);
        format!(
            "{:.1} {:.1} {:.1} {:.1}",
            center.0 - w / 2.0,
            center.1 - h / 2.0,
            w,
            h
        )
    };
    let zoom_by = move |factor: f64| {
        view.update(|v| v.zoom = (v.zoom * factor).clamp(MIN_ZOOM, MAX_ZOOM));
    };
    let on_wheel = move |ev: leptos::ev::WheelEvent| {
        if ev.ctrl_key() || ev.meta_key() {
            ev.prevent_default();
            zoom_by(if ev.delta_y() < 0.0 {
                ZOOM_STEP
            } else {
                1.0 / ZOOM_STEP
            });
        }
    };
    let on_down = move |ev: leptos::ev::PointerEvent| {
        dragged.set_value(false);
        drag.set_value(Some(Drag {
            x: ev.client_x() as f64,
            y: ev.client_y() as f64,
            center: view.get_untracked().center,
            moved: false,
        }));
    };
    let on_move = move |ev: leptos::ev::PointerEvent| {
        let Some(mut started) = drag.get_value() else {
            return;
        };
        let (dx, dy) = (
            ev.client_x() as f64 - started.x,
            ev.client_y() as f64 - started.y,
        );
        if !started.moved && dx.abs() + dy.abs() < DRAG_SLOP {
            return;
        }
        started.moved = true;
        drag.set_value(Some(started));
        dragged.set_value(true);
        let scale = units_per_pixel(&ev, width, height, view.get_untracked().zoom);
        view.update(|v| v.center = (started.center.0 - dx * scale, started.center.1 - dy * scale));
    };
    let on_up = move |_| drag.set_value(None);
    let navigate = use_navigate();
    // An application's box is an SVG link, which the router does not follow by itself.
    let follow = move |ev: leptos::ev::MouseEvent, href: &str| {
        if dragged.get_value() {
            ev.prevent_default();
            return;
        }
        if ev.ctrl_key() || ev.meta_key() || ev.shift_key() || ev.button() != 0 {
            return;
        }
        ev.prevent_default();
        navigate(href, Default::default());
    };
    let app_box = move |app: AppBox| {
        let label = app_label(&app);
        let tooltip = label.clone();
        let href = app.href.clone();
        let follow = follow.clone();
        let (x, y) = (app.x, app.y);
        let class = if app.registered {
            "em-app registered"
        } else {
            "em-app"
        };
        view! {
            <g class=class data-testid="event-app" data-app=app.app.clone()
                data-side=app.side.as_str()>
                <a href=app.href.clone() aria-label=label
                    on:click=move |ev| follow(ev, &href)>
                    <title>{tooltip}</title>
                    <rect x=x y=y width=APP_WIDTH height=BOX_HEIGHT rx="6"></rect>
                    <text x=x + 10.0 y=y + 17.0 class="em-title">{app.short_title}</text>
                    <text x=x + 10.0 y=y + 32.0 class="em-caption">{app.short_caption}</text>
                </a>
            </g>
        }
    };
    let channel_box = |channel: ChannelBox| {
        let label = channel_label(&channel);
        let tooltip = label.clone();
        let (x, y) = (channel.x, channel.y);
        view! {
            <g class="em-channel" data-testid="event-channel" data-address=channel.address.clone()
                role="group" aria-label=label>
                <title>{tooltip}</title>
                <rect x=x y=y width=CHANNEL_WIDTH height=BOX_HEIGHT rx="18"></rect>
                <text x=x + CHANNEL_WIDTH / 2.0 y=y + 25.0 text-anchor="middle" class="em-address">
                    {channel.short_address}
                </text>
            </g>
        }
    };
    let edges = picture
        .edges
        .iter()
        .map(|edge| {
            let mut class = format!("em-edge {}", edge.side.as_str());
            if edge.registered {
                class.push_str(" registered");
            }
            view! { <path class=class d=edge.path.clone() marker-end="url(#em-arrow)"></path> }
        })
        .collect_view();
    let headings = picture
        .headings
        .iter()
        .map(|&(x, text)| {
            view! { <text x=x y=HEADING_Y text-anchor="middle" class="em-heading" aria-hidden="true">{text}</text> }
        })
        .collect_view();
    let producers = picture
        .producers
        .into_iter()
        .map(app_box.clone())
        .collect_view();
    let consumers = picture.consumers.into_iter().map(app_box).collect_view();
    let channels = picture.channels.into_iter().map(channel_box).collect_view();
    view! {
        <div class="event-map-tools" role="toolbar" aria-label="Zoom">
            <button type="button" on:click=move |_| zoom_by(ZOOM_STEP)>"Zoom in"</button>
            <button type="button" on:click=move |_| zoom_by(1.0 / ZOOM_STEP)>"Zoom out"</button>
            <button type="button" on:click=move |_| view.set(home)>"Fit"</button>
            <span class="muted">"Ctrl + wheel zooms; drag to move."</span>
        </div>
        <div class="event-map-frame">
            <svg class="event-map" data-testid="event-map" viewBox=view_box
                preserveAspectRatio="xMidYMid meet" width="100%" height=format!("{height:.0}")
                role="group" aria-label="Event map: producers, channels and consumers"
                on:wheel=on_wheel on:pointerdown=on_down on:pointermove=on_move
                on:pointerup=on_up on:pointerleave=on_up>
                <defs>
                    <marker id="em-arrow" viewBox="0 0 10 10" refX="9" refY="5"
                        markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                        <path d="M0,0 L10,5 L0,10 z" class="em-arrow"></path>
                    </marker>
                </defs>
                <g class="em-headings">{headings}</g>
                <g class="em-edges">{edges}</g>
                <g class="em-column producers" aria-label="Producers" role="group">{producers}</g>
                <g class="em-column channels" aria-label="Channels" role="group">{channels}</g>
                <g class="em-column consumers" aria-label="Consumers" role="group">{consumers}</g>
            </svg>
        </div>
    }
}

/// Picture units per screen pixel, so a drag moves the picture with the pointer.
fn units_per_pixel(ev: &leptos::ev::PointerEvent, width: f64, height: f64, zoom: f64) -> f64 {
    use wasm_bindgen::JsCast;
    let Some(element) = ev
        .current_target()
        .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
    else {
        return 1.0;
    };
    let (pixels_wide, pixels_high) = (
        element.client_width().max(1) as f64,
        element.client_height().max(1) as f64,
    );
    // `meet`: the tighter of the two fits decides the scale.
    ((width / zoom) / pixels_wide).max((height / zoom) / pixels_high)
}

/// "Order Service (portico/order-service 1.1.0) sends on order-approved, order-failed".
fn app_label(app: &AppBox) -> String {
    let verb = match app.side {
        Side::Send => "sends on",
        Side::Receive => "receives from",
    };
    let who = if app.registered {
        format!("{}, a registered consumer ({})", app.title, app.caption)
    } else {
        format!("{} ({})", app.title, app.caption)
    };
    format!("{who} {verb} {}", app.channels.join(", "))
}

/// "Channel order: sent by Shop; received by Order Service" (or "no producers",
/// "no consumers" for a side no one on the map is on).
fn channel_label(channel: &ChannelBox) -> String {
    let side = |verb: &str, titles: &[String], none: &str| {
        if titles.is_empty() {
            none.to_owned()
        } else {
            format!("{verb} {}", titles.join(", "))
        }
    };
    format!(
        "Channel {}: {}; {}",
        channel.address,
        side("sent by", &channel.producers, "no producers"),
        side("received by", &channel.consumers, "no consumers")
    )
}
