//! Rules about what OpenAPI and AsyncAPI share: servers, security requirements and
//! schemes, deprecation and sunset dates, descriptions. Examples are parts of an
//! AsyncAPI 3.0 document.

use super::{Direction, Scope, Severity, Spec};

use Direction::{Both as BOTH, None as NONE, Sends as SENDS};
use Scope::Both as ANY;
use Severity::{Breaking as B, Info as I, Warning as W};

const SERVER: &str = "servers:\n  prod:\n    host: broker.example.com\n    protocol: mqtt\n";
const TWO_SERVERS: &str = "servers:\n  prod:\n    host: broker.example.com\n    protocol: mqtt\n  test:\n    host: test.example.com\n    protocol: mqtt\n";
const SECURED: &str = "servers:\n  prod:\n    host: broker.example.com\n    protocol: mqtt\n    security:\n      - $ref: '#/components/securitySchemes/user'\ncomponents:\n  securitySchemes:\n    user:\n      type: userPassword\n    cert:\n      type: X509\n";
const SECURED_EITHER: &str = "servers:\n  prod:\n    host: broker.example.com\n    protocol: mqtt\n    security:\n      - $ref: '#/components/securitySchemes/user'\n      - $ref: '#/components/securitySchemes/cert'\ncomponents:\n  securitySchemes:\n    user:\n      type: userPassword\n    cert:\n      type: X509\n";
const UNSECURED: &str = "servers:\n  prod:\n    host: broker.example.com\n    protocol: mqtt\ncomponents:\n  securitySchemes:\n    user:\n      type: userPassword\n    cert:\n      type: X509\n";
const OAUTH: &str = "components:\n  securitySchemes:\n    oauth:\n      type: oauth2\n      flows:\n        clientCredentials:\n          tokenUrl: https://auth.example.com/token\n          availableScopes:\n            orders:read: Read orders\n";
const SCOPED: &str = "servers:\n  prod:\n    host: broker.example.com\n    protocol: mqtt\n    security:\n      - type: oauth2\n        flows:\n          clientCredentials:\n            tokenUrl: https://auth.example.com/token\n            availableScopes:\n              orders:read: Read\n              orders:write: Write\n        scopes: [orders:read]\n";
const SCOPED_MORE: &str = "servers:\n  prod:\n    host: broker.example.com\n    protocol: mqtt\n    security:\n      - type: oauth2\n        flows:\n          clientCredentials:\n            tokenUrl: https://auth.example.com/token\n            availableScopes:\n              orders:read: Read\n              orders:write: Write\n        scopes: [orders:read, orders:write]\n";

/// Both specifications (examples in AsyncAPI 3.0).
pub(crate) const COMMON: &[Spec] = &[
    Spec {
        id: "server-added",
        severity: I,
        applies: BOTH,
        scope: ANY,
        description: "A server (broker) was added.",
        before: SERVER,
        after: TWO_SERVERS,
    },
    Spec {
        id: "server-removed",
        severity: B,
        applies: BOTH,
        scope: ANY,
        description: "A server (broker) was removed.",
        before: TWO_SERVERS,
        after: SERVER,
    },
    Spec {
        id: "server-url-changed",
        severity: B,
        applies: BOTH,
        scope: ANY,
        description: "The host, path or URL of a server changed.",
        before: SERVER,
        after: "servers:\n  prod:\n    host: mq.example.com\n    protocol: mqtt\n",
    },
    Spec {
        id: "server-protocol-changed",
        severity: B,
        applies: BOTH,
        scope: ANY,
        description: "The protocol of a server changed.",
        before: SERVER,
        after: "servers:\n  prod:\n    host: broker.example.com\n    protocol: mqtts\n",
    },
    Spec {
        id: "server-protocol-version-changed",
        severity: B,
        applies: BOTH,
        scope: ANY,
        description: "The protocol version of a server changed.",
        before: "servers:\n  prod:\n    host: broker.example.com\n    protocol: mqtt\n    protocolVersion: '5'\n",
        after: "servers:\n  prod:\n    host: broker.example.com\n    protocol: mqtt\n    protocolVersion: '3.1.1'\n",
    },
    Spec {
        id: "server-variable-changed",
        severity: B,
        applies: BOTH,
        scope: ANY,
        description: "A server variable lost an allowed value or changed its default.",
        before: "servers:\n  prod:\n    host: '{region}.example.com'\n    protocol: mqtt\n    variables:\n      region:\n        enum: [eu, us]\n        default: eu\n",
        after: "servers:\n  prod:\n    host: '{region}.example.com'\n    protocol: mqtt\n    variables:\n      region:\n        enum: [eu]\n        default: eu\n",
    },
    Spec {
        id: "server-variable-value-added",
        severity: I,
        applies: BOTH,
        scope: ANY,
        description: "A server variable gained an allowed value.",
        before: "servers:\n  prod:\n    host: '{region}.example.com'\n    protocol: mqtt\n    variables:\n      region:\n        enum: [eu]\n        default: eu\n",
        after: "servers:\n  prod:\n    host: '{region}.example.com'\n    protocol: mqtt\n    variables:\n      region:\n        enum: [eu, us]\n        default: eu\n",
    },
    Spec {
        id: "server-bindings-changed",
        severity: W,
        applies: BOTH,
        scope: ANY,
        description: "The protocol bindings of a server changed.",
        before: SERVER,
        after: "servers:\n  prod:\n    host: broker.example.com\n    protocol: mqtt\n    bindings:\n      mqtt:\n        clientId: orders\n",
    },
    Spec {
        id: "security-added",
        severity: B,
        applies: SENDS,
        scope: ANY,
        description: "Security is now required where none was.",
        before: UNSECURED,
        after: SECURED,
    },
    Spec {
        id: "security-removed",
        severity: I,
        applies: SENDS,
        scope: ANY,
        description: "Security is no longer required.",
        before: SECURED,
        after: UNSECURED,
    },
    Spec {
        id: "security-requirement-added",
        severity: I,
        applies: SENDS,
        scope: ANY,
        description: "Another way to authenticate is accepted.",
        before: SECURED,
        after: SECURED_EITHER,
    },
    Spec {
        id: "security-requirement-removed",
        severity: B,
        applies: SENDS,
        scope: ANY,
        description: "A way to authenticate is no longer accepted.",
        before: SECURED_EITHER,
        after: SECURED,
    },
    Spec {
        id: "security-scope-added",
        severity: B,
        applies: SENDS,
        scope: ANY,
        description: "A security requirement needs another scope.",
        before: SCOPED,
        after: SCOPED_MORE,
    },
    Spec {
        id: "security-scope-removed",
        severity: I,
        applies: SENDS,
        scope: ANY,
        description: "A security requirement needs one scope less.",
        before: SCOPED_MORE,
        after: SCOPED,
    },
    Spec {
        id: "security-scheme-added",
        severity: I,
        applies: NONE,
        scope: ANY,
        description: "A security scheme was defined.",
        before: "components: {}\n",
        after: OAUTH,
    },
    Spec {
        id: "security-scheme-removed",
        severity: I,
        applies: NONE,
        scope: ANY,
        description: "A security scheme definition was removed (its uses are reported where they change).",
        before: OAUTH,
        after: "components: {}\n",
    },
    Spec {
        id: "security-scheme-changed",
        severity: B,
        applies: SENDS,
        scope: ANY,
        description: "How a security scheme authenticates changed (type, `in`, `name`, `scheme`, OpenID Connect URL).",
        before: "components:\n  securitySchemes:\n    key:\n      type: httpApiKey\n      in: header\n      name: X-Key\n",
        after: "components:\n  securitySchemes:\n    key:\n      type: httpApiKey\n      in: query\n      name: key\n",
    },
    Spec {
        id: "security-scheme-flow-changed",
        severity: W,
        applies: SENDS,
        scope: ANY,
        description: "An OAuth flow of a security scheme changed (URLs, flows, available scopes).",
        before: OAUTH,
        after: "components:\n  securitySchemes:\n    oauth:\n      type: oauth2\n      flows:\n        clientCredentials:\n          tokenUrl: https://login.example.com/token\n          availableScopes:\n            orders:read: Read orders\n",
    },
    Spec {
        id: "description-changed",
        severity: I,
        applies: NONE,
        scope: ANY,
        description: "A title, summary or description changed.",
        before: "info:\n  title: Orders\n  version: 1.0.0\n  description: Orders.\n",
        after: "info:\n  title: Orders\n  version: 1.0.0\n  description: Orders of the shop.\n",
    },
];
