//! Rules about AsyncAPI's structure: channels and their addresses, parameters, servers
//! and bindings; operations and replies; messages, their content types, schema formats,
//! names and correlation ids. Examples are parts of an AsyncAPI 3.0 document.

use super::{Direction, Scope, Severity, Spec};

use Direction::{Both as BOTH, None as NONE};
use Scope::AsyncApi as ASYNC;
use Severity::{Breaking as B, Info as I, Warning as W};

const CHANNEL: &str = "channels:\n  orders:\n    address: orders\n    messages:\n      OrderPlaced:\n        payload:\n          type: object\noperations:\n  onOrder:\n    action: send\n    channel:\n      $ref: '#/channels/orders'\n";
const CHANNEL_MOVED: &str = "channels:\n  orders:\n    address: shop/orders\n    messages:\n      OrderPlaced:\n        payload:\n          type: object\noperations:\n  onOrder:\n    action: send\n    channel:\n      $ref: '#/channels/orders'\n";
const CHANNEL_RECEIVE: &str = "channels:\n  orders:\n    address: orders\n    messages:\n      OrderPlaced:\n        payload:\n          type: object\noperations:\n  onOrder:\n    action: receive\n    channel:\n      $ref: '#/channels/orders'\n";
const TWO_CHANNELS: &str = "channels:\n  orders:\n    address: orders\n    messages:\n      OrderPlaced:\n        payload:\n          type: object\n  refunds:\n    address: refunds\noperations:\n  onOrder:\n    action: send\n    channel:\n      $ref: '#/channels/orders'\n";
const TWO_MESSAGES: &str = "channels:\n  orders:\n    address: orders\n    messages:\n      OrderPlaced:\n        payload:\n          type: object\n      OrderCancelled:\n        payload:\n          type: object\noperations:\n  onOrder:\n    action: send\n    channel:\n      $ref: '#/channels/orders'\n";
const JSON_MESSAGE: &str = "channels:\n  orders:\n    address: orders\n    messages:\n      OrderPlaced:\n        contentType: application/json\n        payload:\n          type: object\noperations:\n  onOrder:\n    action: send\n    channel:\n      $ref: '#/channels/orders'\n";
const AVRO_MESSAGE: &str = "channels:\n  orders:\n    address: orders\n    messages:\n      OrderPlaced:\n        contentType: application/avro\n        payload:\n          type: object\noperations:\n  onOrder:\n    action: send\n    channel:\n      $ref: '#/channels/orders'\n";
const NAMED_MESSAGE: &str = "channels:\n  orders:\n    address: orders\n    messages:\n      OrderPlaced:\n        name: orderPlaced\n        payload:\n          type: object\noperations:\n  onOrder:\n    action: send\n    channel:\n      $ref: '#/channels/orders'\n";
const RENAMED_MESSAGE: &str = "channels:\n  orders:\n    address: orders\n    messages:\n      OrderPlaced:\n        name: order.placed\n        payload:\n          type: object\noperations:\n  onOrder:\n    action: send\n    channel:\n      $ref: '#/channels/orders'\n";
const CORRELATED: &str = "channels:\n  orders:\n    address: orders\n    messages:\n      OrderPlaced:\n        correlationId:\n          location: $message.header#/correlationId\n        payload:\n          type: object\noperations:\n  onOrder:\n    action: send\n    channel:\n      $ref: '#/channels/orders'\n";
const CORRELATED_2: &str = "channels:\n  orders:\n    address: orders\n    messages:\n      OrderPlaced:\n        correlationId:\n          location: $message.payload#/id\n        payload:\n          type: object\noperations:\n  onOrder:\n    action: send\n    channel:\n      $ref: '#/channels/orders'\n";
const KAFKA_BINDING: &str = "channels:\n  orders:\n    address: orders\n    bindings:\n      kafka:\n        partitions: 3\n    messages:\n      OrderPlaced:\n        payload:\n          type: object\noperations:\n  onOrder:\n    action: send\n    channel:\n      $ref: '#/channels/orders'\n";
const KAFKA_BINDING_2: &str = "channels:\n  orders:\n    address: orders\n    bindings:\n      kafka:\n        partitions: 6\n    messages:\n      OrderPlaced:\n        payload:\n          type: object\noperations:\n  onOrder:\n    action: send\n    channel:\n      $ref: '#/channels/orders'\n";
const REPLY: &str = "channels:\n  orders:\n    address: orders\n    messages:\n      OrderPlaced:\n        payload:\n          type: object\n  confirmations:\n    address: confirmations\n    messages:\n      Confirmed:\n        payload:\n          type: object\noperations:\n  onOrder:\n    action: send\n    channel:\n      $ref: '#/channels/orders'\n    reply:\n      channel:\n        $ref: '#/channels/confirmations'\n";
const REPLY_MOVED: &str = "channels:\n  orders:\n    address: orders\n    messages:\n      OrderPlaced:\n        payload:\n          type: object\n  confirmations:\n    address: confirmations\n    messages:\n      Confirmed:\n        payload:\n          type: object\noperations:\n  onOrder:\n    action: send\n    channel:\n      $ref: '#/channels/orders'\n    reply:\n      address:\n        location: $message.header#/replyTo\n";
const NO_REPLY: &str = "channels:\n  orders:\n    address: orders\n    messages:\n      OrderPlaced:\n        payload:\n          type: object\n  confirmations:\n    address: confirmations\n    messages:\n      Confirmed:\n        payload:\n          type: object\noperations:\n  onOrder:\n    action: send\n    channel:\n      $ref: '#/channels/orders'\n";
const ON_SERVER: &str = "servers:\n  prod:\n    host: broker.example.com\n    protocol: mqtt\n  test:\n    host: test.example.com\n    protocol: mqtt\nchannels:\n  orders:\n    address: orders\n    servers:\n      - $ref: '#/servers/prod'\n      - $ref: '#/servers/test'\n";
const ON_ONE_SERVER: &str = "servers:\n  prod:\n    host: broker.example.com\n    protocol: mqtt\n  test:\n    host: test.example.com\n    protocol: mqtt\nchannels:\n  orders:\n    address: orders\n    servers:\n      - $ref: '#/servers/prod'\n";
const PARAMETER: &str = "channels:\n  orders:\n    address: orders/{region}\n    parameters:\n      region:\n        description: Sales region.\n";
const PARAMETER_ENUM: &str = "channels:\n  orders:\n    address: orders/{region}\n    parameters:\n      region:\n        enum: [eu, us]\n        description: Sales region.\n";
const PARAMETER_ENUM_2: &str = "channels:\n  orders:\n    address: orders/{region}\n    parameters:\n      region:\n        enum: [eu, us, apac]\n        description: Sales region.\n";

/// AsyncAPI only.
pub(crate) const ASYNCAPI: &[Spec] = &[
    Spec {
        id: "channel-added",
        severity: I,
        applies: BOTH,
        scope: ASYNC,
        description: "A channel was added.",
        before: CHANNEL,
        after: TWO_CHANNELS,
    },
    Spec {
        id: "channel-removed",
        severity: B,
        applies: BOTH,
        scope: ASYNC,
        description: "A channel was removed.",
        before: TWO_CHANNELS,
        after: CHANNEL,
    },
    Spec {
        id: "deprecated-channel-removed",
        severity: I,
        applies: BOTH,
        scope: ASYNC,
        description: "A channel marked deprecated (`x-deprecated`) was removed.",
        before: "channels:\n  orders:\n    address: orders\n    x-deprecated: true\n",
        after: "channels: {}\n",
    },
    Spec {
        id: "channel-address-changed",
        severity: B,
        applies: BOTH,
        scope: ASYNC,
        description: "The address (topic, queue, path) of a channel changed.",
        before: CHANNEL,
        after: CHANNEL_MOVED,
    },
    Spec {
        id: "channel-parameter-added",
        severity: W,
        applies: BOTH,
        scope: ASYNC,
        description: "A channel parameter was added.",
        before: "channels:\n  orders:\n    address: orders/{region}\n",
        after: PARAMETER,
    },
    Spec {
        id: "channel-parameter-removed",
        severity: W,
        applies: BOTH,
        scope: ASYNC,
        description: "A channel parameter was removed.",
        before: PARAMETER,
        after: "channels:\n  orders:\n    address: orders/{region}\n",
    },
    Spec {
        id: "channel-parameter-enum-value-removed",
        severity: B,
        applies: BOTH,
        scope: ASYNC,
        description: "A channel parameter lost an allowed value, or became restricted to a list.",
        before: PARAMETER_ENUM_2,
        after: PARAMETER_ENUM,
    },
    Spec {
        id: "channel-parameter-enum-value-added",
        severity: W,
        applies: BOTH,
        scope: ASYNC,
        description: "A channel parameter gained an allowed value, or is no longer restricted; consumers may see addresses they do not expect.",
        before: PARAMETER_ENUM,
        after: PARAMETER_ENUM_2,
    },
    Spec {
        id: "channel-parameter-default-changed",
        severity: W,
        applies: BOTH,
        scope: ASYNC,
        description: "The default of a channel parameter changed.",
        before: "channels:\n  orders:\n    address: orders/{region}\n    parameters:\n      region:\n        default: eu\n",
        after: "channels:\n  orders:\n    address: orders/{region}\n    parameters:\n      region:\n        default: us\n",
    },
    Spec {
        id: "channel-server-removed",
        severity: B,
        applies: BOTH,
        scope: ASYNC,
        description: "A channel is no longer available on a server.",
        before: ON_SERVER,
        after: ON_ONE_SERVER,
    },
    Spec {
        id: "channel-server-added",
        severity: I,
        applies: BOTH,
        scope: ASYNC,
        description: "A channel became available on another server.",
        before: ON_ONE_SERVER,
        after: ON_SERVER,
    },
    Spec {
        id: "channel-bindings-changed",
        severity: W,
        applies: BOTH,
        scope: ASYNC,
        description: "The protocol bindings of a channel changed.",
        before: KAFKA_BINDING,
        after: KAFKA_BINDING_2,
    },
    Spec {
        id: "operation-action-changed",
        severity: B,
        applies: BOTH,
        scope: ASYNC,
        description: "An operation's action flipped between `send` and `receive` (`subscribe` and `publish` in 2.x).",
        before: CHANNEL,
        after: CHANNEL_RECEIVE,
    },
    Spec {
        id: "operation-channel-changed",
        severity: B,
        applies: BOTH,
        scope: ASYNC,
        description: "An operation moved to another channel with another address.",
        before: "channels:\n  orders:\n    address: orders\n  refunds:\n    address: refunds\noperations:\n  onOrder:\n    action: send\n    channel:\n      $ref: '#/channels/orders'\n",
        after: "channels:\n  orders:\n    address: orders\n  refunds:\n    address: refunds\noperations:\n  onOrder:\n    action: send\n    channel:\n      $ref: '#/channels/refunds'\n",
    },
    Spec {
        id: "operation-bindings-changed",
        severity: W,
        applies: BOTH,
        scope: ASYNC,
        description: "The protocol bindings of an operation changed.",
        before: "channels:\n  orders:\n    address: orders\noperations:\n  onOrder:\n    action: send\n    channel:\n      $ref: '#/channels/orders'\n    bindings:\n      kafka:\n        groupId:\n          type: string\n",
        after: "channels:\n  orders:\n    address: orders\noperations:\n  onOrder:\n    action: send\n    channel:\n      $ref: '#/channels/orders'\n    bindings:\n      kafka:\n        clientId:\n          type: string\n",
    },
    Spec {
        id: "message-added",
        severity: I,
        applies: BOTH,
        scope: ASYNC,
        description: "A message was added to a channel or operation.",
        before: CHANNEL,
        after: TWO_MESSAGES,
    },
    Spec {
        id: "message-removed",
        severity: B,
        applies: BOTH,
        scope: ASYNC,
        description: "A message was removed from a channel or operation.",
        before: TWO_MESSAGES,
        after: CHANNEL,
    },
    Spec {
        id: "deprecated-message-removed",
        severity: I,
        applies: BOTH,
        scope: ASYNC,
        description: "A message marked deprecated (`x-deprecated`) was removed.",
        before: "channels:\n  orders:\n    address: orders\n    messages:\n      OrderPlaced:\n        payload:\n          type: object\n      OrderCancelled:\n        x-deprecated: true\n        payload:\n          type: object\noperations:\n  onOrder:\n    action: send\n    channel:\n      $ref: '#/channels/orders'\n",
        after: CHANNEL,
    },
    Spec {
        id: "message-content-type-changed",
        severity: B,
        applies: BOTH,
        scope: ASYNC,
        description: "The content type of a message changed (also through `defaultContentType`).",
        before: JSON_MESSAGE,
        after: AVRO_MESSAGE,
    },
    Spec {
        id: "message-schema-format-changed",
        severity: B,
        applies: BOTH,
        scope: ASYNC,
        description: "The schema format of a message payload changed (JSON Schema to Avro).",
        before: "channels:\n  orders:\n    address: orders\n    messages:\n      OrderPlaced:\n        payload:\n          type: object\n",
        after: "channels:\n  orders:\n    address: orders\n    messages:\n      OrderPlaced:\n        payload:\n          schemaFormat: application/vnd.apache.avro;version=1.9.0\n          schema:\n            type: record\n            name: Order\n            fields: []\n",
    },
    Spec {
        id: "message-name-changed",
        severity: B,
        applies: BOTH,
        scope: ASYNC,
        description: "The machine-friendly `name` of a message changed.",
        before: NAMED_MESSAGE,
        after: RENAMED_MESSAGE,
    },
    Spec {
        id: "message-correlation-id-changed",
        severity: B,
        applies: BOTH,
        scope: ASYNC,
        description: "Where a message carries its correlation id changed.",
        before: CORRELATED,
        after: CORRELATED_2,
    },
    Spec {
        id: "message-correlation-id-removed",
        severity: B,
        applies: BOTH,
        scope: ASYNC,
        description: "A message no longer has a correlation id.",
        before: CORRELATED,
        after: CHANNEL,
    },
    Spec {
        id: "message-correlation-id-added",
        severity: I,
        applies: BOTH,
        scope: ASYNC,
        description: "A message gained a correlation id.",
        before: CHANNEL,
        after: CORRELATED,
    },
    Spec {
        id: "message-bindings-changed",
        severity: W,
        applies: BOTH,
        scope: ASYNC,
        description: "The protocol bindings of a message changed.",
        before: CHANNEL,
        after: "channels:\n  orders:\n    address: orders\n    messages:\n      OrderPlaced:\n        bindings:\n          kafka:\n            key:\n              type: string\n        payload:\n          type: object\noperations:\n  onOrder:\n    action: send\n    channel:\n      $ref: '#/channels/orders'\n",
    },
    Spec {
        id: "operation-reply-added",
        severity: I,
        applies: BOTH,
        scope: ASYNC,
        description: "An operation now expects or sends a reply.",
        before: NO_REPLY,
        after: REPLY,
    },
    Spec {
        id: "operation-reply-removed",
        severity: B,
        applies: BOTH,
        scope: ASYNC,
        description: "An operation no longer has a reply.",
        before: REPLY,
        after: NO_REPLY,
    },
    Spec {
        id: "operation-reply-address-changed",
        severity: B,
        applies: BOTH,
        scope: ASYNC,
        description: "Where the reply of an operation goes changed (its channel or address).",
        before: REPLY,
        after: REPLY_MOVED,
    },
    Spec {
        id: "api-id-changed",
        severity: W,
        applies: NONE,
        scope: ASYNC,
        description: "The application's `id` changed.",
        before: "id: urn:example:orders\n",
        after: "id: urn:example:shop\n",
    },
];
