//! The reviews card of the asset page: the average rating and every review (author,
//! minor version, rating, comment, date), and a form to review the selected version's
//! minor, which edits the signed-in user's review of that minor when they wrote one.
//! Comments are plain text: Leptos escapes them.

use leptos::prelude::*;
use portico_types::reviews::{MAX_COMMENT_CHARS, Review, Reviews, minor_of};

use crate::client_only::ClientOnly;
use crate::error::AppError;

/// Every review of `group/asset`, with the average.
#[server(prefix = "/rpc", endpoint = "asset_reviews")]
pub async fn list_reviews(group: String, asset: String) -> Result<Reviews, AppError> {
    let user = crate::session::require_user().await?;
    let ctx = crate::context::server_context()?;
    Ok(portico_core::exchange::reviews::list(&ctx.db, &user, &group, &asset, None).await?)
}

/// Writes the signed-in user's review of `version`'s minor (replacing theirs).
#[server(prefix = "/rpc", endpoint = "review_save")]
pub async fn save_review(
    group: String,
    asset: String,
    version: String,
    rating: i64,
    #[server(default)] comment: String,
) -> Result<Review, AppError> {
    let user = crate::session::require_user().await?;
    let ctx = crate::context::server_context()?;
    let new = portico_types::reviews::NewReview { rating, comment };
    let (review, _) =
        portico_core::exchange::reviews::put(&ctx.db, &user, &group, &asset, &version, &new)
            .await?;
    Ok(review)
}

/// Deletes the signed-in user's review of `version`'s minor.
#[server(prefix = "/rpc", endpoint = "review_delete")]
pub async fn delete_review(group: String, asset: String, version: String) -> Result<(), AppError> {
    let user = crate::session::require_user().await?;
    let ctx = crate::context::server_context()?;
    Ok(portico_core::exchange::reviews::delete(&ctx.db, &user, &group, &asset, &version).await?)
}

/// Five stars, `rating` of them filled (rounded).
pub fn stars(rating: f64) -> String {
    let filled = rating.round().clamp(0.0, 5.0) as usize;
    format!("{}{}", "★".repeat(filled), "☆".repeat(5 - filled))
}

/// The reviews card; `version` is the version the page shows, whose minor the form
/// reviews.
#[component]
pub fn ReviewsCard(group: String, asset: String, version: String) -> impl IntoView {
    let minor = minor_of(&version).map(|(major, minor)| format!("{major}.{minor}"));
    let coordinate = StoredValue::new((group, asset, version));
    let reload = RwSignal::new(0u32);
    let rating = RwSignal::new(String::from("5"));
    let comment = RwSignal::new(String::new());
    let has_own = RwSignal::new(false);
    let message = RwSignal::new(None::<String>);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (group, asset, version) = coordinate.get_value();
        let rating = rating.get_untracked().parse().unwrap_or(0);
        let comment = comment.get_untracked();
        leptos::task::spawn_local(async move {
            match save_review(group, asset, version, rating, comment).await {
                Ok(_) => {
                    message.set(None);
                    reload.update(|n| *n += 1);
                }
                Err(error) => message.set(Some(error.to_string())),
            }
        });
    };
    let remove = move || {
        let (group, asset, version) = coordinate.get_value();
        leptos::task::spawn_local(async move {
            match delete_review(group, asset, version).await {
                Ok(()) => {
                    message.set(None);
                    comment.set(String::new());
                    rating.set("5".into());
                    reload.update(|n| *n += 1);
                }
                Err(error) => message.set(Some(error.to_string())),
            }
        });
    };
    let own = OwnReview {
        minor: StoredValue::new(minor.clone()),
        rating,
        comment,
        has_own,
    };
    view! {
        <section class="card reviews" data-testid="reviews">
            <h2>"Reviews"</h2>
            // Loaded and shown in the browser after hydration (see `ClientOnly`).
            <ClientOnly fallback=|| view! { <p class="muted">"Loading reviews…"</p> }>
                <ReviewList coordinate reload own/>
            </ClientOnly>
            {minor.map(|minor| view! {
                <form class="review-form" on:submit=save data-testid="review-form">
                    <p class="muted">
                        {move || if has_own.get() {
                            format!("Your review of {minor}: saving replaces it.")
                        } else {
                            format!("Review {minor}: one review per minor version; you can edit it later.")
                        }}
                    </p>
                    <label>"Rating "
                        <select name="rating" aria-label="Rating" prop:value=rating on:change=move |ev| rating.set(event_target_value(&ev))>
                            {(1..=5).rev().map(|n| view! {
                                <option value=n.to_string()>{format!("{n} {}", stars(f64::from(n)))}</option>
                            }).collect_view()}
                        </select>
                    </label>
                    <label>"Comment "
                        <textarea name="comment" aria-label="Comment" rows="3" maxlength=MAX_COMMENT_CHARS.to_string()
                            placeholder="What works well, what is missing"
                            prop:value=comment on:input=move |ev| comment.set(event_target_value(&ev))></textarea>
                    </label>
                    <p class="review-actions">
                        <button type="submit">"Save review"</button>
                        {move || has_own.get().then(|| view! {
                            <button type="button" class="link-button" on:click=move |_| remove()>"Delete my review"</button>
                        })}
                    </p>
                </form>
            })}
            {move || message.get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
        </section>
    }
}

/// The form's fields, which the list fills with the user's own review of the minor.
#[derive(Clone, Copy)]
struct OwnReview {
    minor: StoredValue<Option<String>>,
    rating: RwSignal<String>,
    comment: RwSignal<String>,
    has_own: RwSignal<bool>,
}

/// The average and the reviews, made in the browser (its resource must not take an id
/// the page's server-rendered resources expect).
#[component]
fn ReviewList(
    coordinate: StoredValue<(String, String, String)>,
    reload: RwSignal<u32>,
    own: OwnReview,
) -> impl IntoView {
    let reviews = LocalResource::new(move || {
        reload.track();
        let (group, asset, _) = coordinate.get_value();
        list_reviews(group, asset)
    });
    let fill = own;
    Effect::new(move |_| {
        let Some(Ok(list)) = reviews.get() else {
            return;
        };
        let minor = fill.minor.get_value();
        let mine = list
            .items
            .iter()
            .find(|r| r.mine && Some(&r.version) == minor.as_ref());
        fill.has_own.set(mine.is_some());
        if let Some(mine) = mine {
            fill.rating.set(mine.rating.to_string());
            fill.comment.set(mine.comment.clone());
        }
    });
    view! {
        <Transition fallback=|| view! { <p class="muted">"Loading reviews…"</p> }>
            {move || Suspend::new(async move {
                match reviews.await {
                    Ok(list) => view! { <ReviewItems list/> }.into_any(),
                    Err(error) => view! { <p class="form-error">{error.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn ReviewItems(list: Reviews) -> impl IntoView {
    let average = list.average.map(|average| {
        view! {
            <p class="rating-average" data-testid="rating-average">
                <span class="stars" aria-hidden="true">{stars(average)}</span>
                " "<strong data-testid="rating-value">{format!("{average:.1}")}</strong>" out of 5 · "
                <span data-testid="rating-count">{review_count(list.count)}</span>
            </p>
        }
    });
    view! {
        {average}
        {list.items.is_empty().then(|| view! { <p class="muted">"No reviews yet."</p> })}
        <ul class="review-list" data-testid="review-list">
            {list.items.into_iter().map(|review| {
                let (author, version) = (review.author.clone(), review.version.clone());
                view! {
                <li data-review=author data-review-version=version>
                    <p class="review-head">
                        <strong>{review.author}</strong>
                        " on "<code>{review.version}</code>" · "
                        <span class="stars" title=format!("{} out of 5", review.rating)
                            data-testid="review-rating" data-rating=review.rating.to_string()>
                            {stars(f64::from(review.rating))}
                        </span>
                        " · "<time datetime=review.updated_at.clone()>{review.updated_at.chars().take(10).collect::<String>()}</time>
                    </p>
                    {(!review.comment.is_empty()).then(|| view! { <p class="review-comment">{review.comment}</p> })}
                </li>
            }}).collect_view()}
        </ul>
    }
}

/// "1 review", "3 reviews".
pub fn review_count(count: u32) -> String {
    format!("{count} review{}", if count == 1 { "" } else { "s" })
}
