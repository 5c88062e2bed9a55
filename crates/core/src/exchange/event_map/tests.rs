//! Building the map from stored rows: joining by address, merging, mirroring registered
//! consumers, filters and their choices.

use super::*;

fn declared(
    version_id: i64,
    app: &str,
    tags: &str,
    address: &str,
    side: &str,
    servers: &str,
) -> DeclaredRow {
    let (group, asset) = app.split_once('/').unwrap();
    DeclaredRow {
        version_id,
        group_slug: group.into(),
        asset: asset.into(),
        version: "1.0.0".into(),
        title: asset.replace('-', " "),
        tags: tags.into(),
        channel: address.into(),
        address: address.into(),
        side: side.into(),
        operations: format!(r#"["{side}-{address}"]"#),
        messages: r#"["M"]"#.into(),
        servers: servers.into(),
    }
}

const MQTT: &str = r#"["mqtt://localhost:1883"]"#;
const KAFKA: &str = r#"["kafka://kafka:9092"]"#;

/// An order service that receives `order` and sends `order-approved`, a shop that sends
/// `order`, and a mailer on another broker that receives `order-approved`.
fn shop() -> Vec<DeclaredRow> {
    vec![
        declared(
            1,
            "portico/order-service",
            r#"["orders"]"#,
            "order",
            "receive",
            MQTT,
        ),
        declared(
            1,
            "portico/order-service",
            r#"["orders"]"#,
            "order-approved",
            "send",
            MQTT,
        ),
        declared(2, "acme/shop", r#"["web"]"#, "order", "send", MQTT),
        declared(3, "acme/mailer", "[]", "order-approved", "receive", KAFKA),
    ]
}

fn sides(map: &EventMap, address: &str) -> (Vec<String>, Vec<String>) {
    let channel = map
        .channels
        .iter()
        .find(|c| c.address == address)
        .unwrap_or_else(|| panic!("no channel {address}"));
    let ids = |ends: &[ChannelEnd]| ends.iter().map(|e| e.app.clone()).collect();
    (ids(&channel.producers), ids(&channel.consumers))
}

#[test]
fn channels_join_applications_by_address() {
    let map = assemble(shop(), Vec::new(), &EventMapFilter::default());
    let addresses: Vec<_> = map.channels.iter().map(|c| c.address.as_str()).collect();
    assert_eq!(addresses, ["order", "order-approved"]);
    assert_eq!(
        sides(&map, "order"),
        (
            vec!["acme/shop".into()],
            vec!["portico/order-service".into()]
        )
    );
    assert_eq!(
        sides(&map, "order-approved"),
        (
            vec!["portico/order-service".into()],
            vec!["acme/mailer".into()]
        )
    );
    let titles: Vec<_> = map.applications.iter().map(|a| a.title.as_str()).collect();
    assert_eq!(titles, ["mailer", "order service", "shop"]);
    let service = map.application("portico/order-service").unwrap();
    assert_eq!(service.source, AppSource::Declared);
    assert_eq!(service.servers, ["mqtt://localhost:1883"]);
    assert_eq!(
        map.choices,
        EventMapChoices {
            tags: vec!["orders".into(), "web".into()],
            servers: vec!["kafka://kafka:9092".into(), "mqtt://localhost:1883".into()],
            organisations: vec!["acme".into(), "portico".into()],
        }
    );
}

#[test]
fn two_channels_of_one_document_on_one_address_are_one_end() {
    let mut rows = shop();
    let mut second = declared(2, "acme/shop", r#"["web"]"#, "order", "send", KAFKA);
    second.channel = "order-again".into();
    second.operations = r#"["resend"]"#.into();
    rows.push(second);
    let map = assemble(rows, Vec::new(), &EventMapFilter::default());
    let order = &map.channels[0];
    assert_eq!(order.producers.len(), 1);
    assert_eq!(order.producers[0].operations, ["send-order", "resend"]);
    assert_eq!(
        order.producers[0].servers,
        ["mqtt://localhost:1883", "kafka://kafka:9092"]
    );
}

#[test]
fn filters_keep_matching_ends_and_drop_what_is_left_empty() {
    let only = |filter: EventMapFilter| {
        let map = assemble(shop(), Vec::new(), &filter);
        let apps: Vec<String> = map.applications.iter().map(|a| a.id.clone()).collect();
        let channels: Vec<String> = map.channels.iter().map(|c| c.address.clone()).collect();
        assert_eq!(
            map.choices.organisations,
            ["acme", "portico"],
            "choices stay whole"
        );
        (channels, apps)
    };
    let (channels, apps) = only(EventMapFilter {
        tag: Some("web".into()),
        ..Default::default()
    });
    assert_eq!(
        (channels, apps),
        (vec!["order".into()], vec!["acme/shop".into()])
    );
    let (channels, apps) = only(EventMapFilter {
        organisation: Some("acme".into()),
        ..Default::default()
    });
    assert_eq!(channels, ["order", "order-approved"]);
    assert_eq!(apps, ["acme/mailer", "acme/shop"]);
    let (channels, apps) = only(EventMapFilter {
        server: Some("kafka://kafka:9092".into()),
        ..Default::default()
    });
    assert_eq!(
        (channels, apps),
        (vec!["order-approved".into()], vec!["acme/mailer".into()])
    );
    let (channels, _) = only(EventMapFilter {
        tag: Some("orders".into()),
        server: Some("kafka://kafka:9092".into()),
        ..Default::default()
    });
    assert!(channels.is_empty());
}

fn registered(uses: &str, sides: Vec<SideRow>) -> Registered {
    Registered {
        consumer: RegisteredRow {
            asset_id: 1,
            group_slug: "portico".into(),
            asset: "order-service".into(),
            organization: "globex".into(),
            organization_name: "Globex".into(),
            version_range: "^1".into(),
            uses: uses.into(),
        },
        version: LiveVersion {
            asset_id: 1,
            id: 1,
            version: "1.0.0".into(),
            tags: r#"["orders"]"#.into(),
        },
        sides,
    }
}

fn side_rows() -> Vec<SideRow> {
    shop()
        .into_iter()
        .filter(|row| row.version_id == 1)
        .map(|row| SideRow {
            version_id: 1,
            channel: row.channel,
            address: row.address,
            side: row.side,
            operations: row.operations,
            messages: row.messages,
            servers: row.servers,
        })
        .collect()
}

#[test]
fn a_registered_consumer_uses_the_api_from_the_other_side() {
    let map = assemble(
        shop(),
        vec![registered("[]", side_rows())],
        &EventMapFilter::default(),
    );
    // Ends by title: Globex before the mailer and the shop.
    let id = "globex@portico/order-service";
    assert_eq!(
        sides(&map, "order"),
        (
            vec![id.into(), "acme/shop".into()],
            vec!["portico/order-service".into()]
        )
    );
    assert_eq!(
        sides(&map, "order-approved"),
        (
            vec!["portico/order-service".into()],
            vec![id.into(), "acme/mailer".into()]
        )
    );
    let consumer = map.application(id).unwrap();
    assert_eq!(consumer.source, AppSource::Registered);
    assert_eq!(consumer.title, "Globex");
    assert_eq!(consumer.organisation, "globex");
    assert_eq!(consumer.range.as_deref(), Some("^1"));
    assert_eq!(
        (consumer.group.as_str(), consumer.asset.as_str()),
        ("portico", "order-service")
    );
    // It carries the tags of what it consumes, so a tag filter keeps it with the asset.
    let tagged = assemble(
        shop(),
        vec![registered("[]", side_rows())],
        &EventMapFilter {
            tag: Some("orders".into()),
            ..Default::default()
        },
    );
    assert!(tagged.application(id).is_some());
}

#[test]
fn a_registered_consumer_that_names_what_it_uses_is_on_those_channels_only() {
    for uses in [r#"["send-order-approved"]"#, r#"["order-approved"]"#] {
        let map = assemble(
            Vec::new(),
            vec![registered(uses, side_rows())],
            &EventMapFilter::default(),
        );
        let addresses: Vec<_> = map.channels.iter().map(|c| c.address.as_str()).collect();
        assert_eq!(addresses, ["order-approved"], "{uses}");
        assert_eq!(
            map.channels[0].consumers[0].app,
            "globex@portico/order-service"
        );
    }
}

#[test]
fn the_newest_live_version_in_range_is_the_one_drawn() {
    let live = |id: i64, version: &str| LiveVersion {
        asset_id: 1,
        id,
        version: version.into(),
        tags: "[]".into(),
    };
    let versions = [
        live(1, "1.0.0"),
        live(2, "1.10.0"),
        live(3, "1.9.0"),
        live(4, "2.0.0"),
    ];
    let consumer = registered("[]", Vec::new()).consumer;
    assert_eq!(newest_in_range(&versions, &consumer).map(|v| v.id), Some(2));
    let later = RegisteredRow {
        version_range: "^3".into(),
        ..consumer
    };
    assert!(newest_in_range(&versions, &later).is_none());
}

#[test]
fn around_an_asset_are_its_channels_with_everyone_on_them() {
    let map = assemble(
        shop(),
        Vec::new(),
        &EventMapFilter {
            asset: Some("acme/shop".into()),
            ..Default::default()
        },
    );
    assert_eq!(
        sides(&map, "order"),
        (
            vec!["acme/shop".into()],
            vec!["portico/order-service".into()]
        )
    );
    assert_eq!(map.channels.len(), 1);
    let around_service = assemble(
        shop(),
        Vec::new(),
        &EventMapFilter {
            asset: Some("portico/order-service".into()),
            organisation: Some("acme".into()),
            ..Default::default()
        },
    );
    // Its channels, with the other filters applied to who is on them.
    assert_eq!(
        sides(&around_service, "order-approved"),
        (vec![], vec!["acme/mailer".into()])
    );
    assert_eq!(around_service.channels.len(), 2);
}
