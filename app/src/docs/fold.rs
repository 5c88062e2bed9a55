//! Collapsible sections that build their content only when opened, so a document with
//! thousands of operations renders a list of headings, not a million DOM nodes. Which
//! sections are open lives in a context signal, so a preview that re-renders on every
//! keystroke keeps them open.

use std::collections::HashSet;

use leptos::prelude::*;

/// The sections of one rendered document that are open, by anchor id.
#[derive(Clone, Copy)]
pub struct OpenSections {
    open: RwSignal<HashSet<String>>,
    /// Whether a section nobody touched starts open (small documents).
    open_by_default: bool,
    /// Sections whose state someone chose (closing a default-open one included).
    touched: RwSignal<HashSet<String>>,
}

impl OpenSections {
    /// A fresh set; `open_by_default` opens every section until someone closes it.
    pub fn new(open_by_default: bool) -> Self {
        OpenSections {
            open: RwSignal::new(HashSet::new()),
            open_by_default,
            touched: RwSignal::new(HashSet::new()),
        }
    }

    fn is_open(&self, id: &str) -> bool {
        if self.touched.with(|t| t.contains(id)) {
            self.open.with(|o| o.contains(id))
        } else {
            self.open_by_default
        }
    }

    fn toggle(&self, id: &str) {
        let now = self.is_open(id);
        self.touched.update(|t| {
            t.insert(id.to_owned());
        });
        self.open.update(|o| {
            if now {
                o.remove(id);
            } else {
                o.insert(id.to_owned());
            }
        });
    }

    /// Opens a section (a table-of-contents link leads there).
    pub fn open(&self, id: &str) {
        if !self.is_open(id) {
            self.toggle(id);
        }
    }
}

/// A section with a heading that is always shown and a body built only while open.
#[component]
pub fn Fold(
    /// The anchor id (already a safe slug).
    id: String,
    /// CSS class of the section.
    #[prop(optional, into)]
    class: String,
    /// The always-visible heading line.
    summary: AnyView,
    children: ChildrenFn,
) -> impl IntoView {
    let sections = expect_context::<OpenSections>();
    let is_open = {
        let id = id.clone();
        Memo::new(move |_| sections.is_open(&id))
    };
    let toggle_id = id.clone();
    view! {
        <section id=id class=format!("fold {class}") class:open=is_open>
            <button type="button" class="fold-head" aria-expanded=move || is_open.get().to_string()
                on:click=move |_| sections.toggle(&toggle_id)>
                <span class="fold-mark" aria-hidden="true"></span>
                {summary}
            </button>
            <Show when=move || is_open.get()>
                <div class="fold-body">{children()}</div>
            </Show>
        </section>
    }
    .into_any()
}

/// Turns a name from a document into a safe anchor id fragment.
pub fn slug(prefix: &str, name: &str) -> String {
    let mut out = String::with_capacity(prefix.len() + name.len() + 1);
    out.push_str(prefix);
    out.push('-');
    for c in name.chars().take(120) {
        if c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.' {
            out.push(c);
        } else {
            out.push('-');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::slug;

    #[test]
    fn slugs_keep_only_safe_characters() {
        assert_eq!(slug("channel", "order/{id}"), "channel-order--id-");
        assert_eq!(slug("op", "\"><script>"), "op----script-");
    }
}
