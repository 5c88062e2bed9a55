//! Rules about OpenAPI's structure: paths and operations, parameters, request bodies,
//! responses and their media types and headers, webhooks and callbacks, servers.
//! Examples are parts of an OpenAPI 3.1 document.

use super::{Direction, Scope, Severity, Spec};

use Direction::{Both as BOTH, None as NONE, Receives as RECEIVES, Sends as SENDS};
use Scope::OpenApi as OAS;
use Severity::{Breaking as B, Info as I, Warning as W};

const GET: &str =
    "paths:\n  /orders:\n    get:\n      responses:\n        '200':\n          description: OK\n";
const GET_POST: &str = "paths:\n  /orders:\n    get:\n      responses:\n        '200':\n          description: OK\n    post:\n      responses:\n        '201':\n          description: Created\n";
const GET_DEPRECATED: &str = "paths:\n  /orders:\n    get:\n      deprecated: true\n      responses:\n        '200':\n          description: OK\n";
const GET_SUNSET: &str = "paths:\n  /orders:\n    get:\n      deprecated: true\n      x-sunset: '2030-01-01'\n      responses:\n        '200':\n          description: OK\n";
const GET_SUNSET_EARLIER: &str = "paths:\n  /orders:\n    get:\n      deprecated: true\n      x-sunset: '2029-01-01'\n      responses:\n        '200':\n          description: OK\n";
const QUERY_LIMIT: &str = "paths:\n  /orders:\n    get:\n      parameters:\n        - name: limit\n          in: query\n          schema:\n            type: integer\n      responses:\n        '200':\n          description: OK\n";
const QUERY_LIMIT_REQUIRED: &str = "paths:\n  /orders:\n    get:\n      parameters:\n        - name: limit\n          in: query\n          required: true\n          schema:\n            type: integer\n      responses:\n        '200':\n          description: OK\n";
const QUERY_LIMIT_DEPRECATED: &str = "paths:\n  /orders:\n    get:\n      parameters:\n        - name: limit\n          in: query\n          deprecated: true\n          schema:\n            type: integer\n      responses:\n        '200':\n          description: OK\n";
const HEADER_LIMIT: &str = "paths:\n  /orders:\n    get:\n      parameters:\n        - name: limit\n          in: header\n          schema:\n            type: integer\n      responses:\n        '200':\n          description: OK\n";
const QUERY_LIMIT_FORM: &str = "paths:\n  /orders:\n    get:\n      parameters:\n        - name: limit\n          in: query\n          style: form\n          explode: false\n          schema:\n            type: integer\n      responses:\n        '200':\n          description: OK\n";
const PATH_ID: &str = "paths:\n  /orders/{id}:\n    get:\n      parameters:\n        - name: id\n          in: path\n          required: true\n          schema:\n            type: string\n      responses:\n        '200':\n          description: OK\n";
const PATH_ORDER_ID: &str = "paths:\n  /orders/{orderId}:\n    get:\n      parameters:\n        - name: orderId\n          in: path\n          required: true\n          schema:\n            type: string\n      responses:\n        '200':\n          description: OK\n";
const POST_NO_BODY: &str = "paths:\n  /orders:\n    post:\n      responses:\n        '201':\n          description: Created\n";
const POST_BODY: &str = "paths:\n  /orders:\n    post:\n      requestBody:\n        content:\n          application/json:\n            schema:\n              type: object\n      responses:\n        '201':\n          description: Created\n";
const POST_BODY_REQUIRED: &str = "paths:\n  /orders:\n    post:\n      requestBody:\n        required: true\n        content:\n          application/json:\n            schema:\n              type: object\n      responses:\n        '201':\n          description: Created\n";
const POST_BODY_TWO_TYPES: &str = "paths:\n  /orders:\n    post:\n      requestBody:\n        content:\n          application/json:\n            schema:\n              type: object\n          application/xml:\n            schema:\n              type: object\n      responses:\n        '201':\n          description: Created\n";
const GET_JSON: &str = "paths:\n  /orders:\n    get:\n      responses:\n        '200':\n          description: OK\n          content:\n            application/json:\n              schema:\n                type: array\n";
const GET_JSON_XML: &str = "paths:\n  /orders:\n    get:\n      responses:\n        '200':\n          description: OK\n          content:\n            application/json:\n              schema:\n                type: array\n            application/xml:\n              schema:\n                type: array\n";
const GET_404: &str = "paths:\n  /orders:\n    get:\n      responses:\n        '200':\n          description: OK\n        '404':\n          description: Not found\n";
const GET_204: &str = "paths:\n  /orders:\n    get:\n      responses:\n        '204':\n          description: Empty\n";
const GET_HEADER: &str = "paths:\n  /orders:\n    get:\n      responses:\n        '200':\n          description: OK\n          headers:\n            X-Rate-Limit:\n              schema:\n                type: integer\n";
const GET_HEADER_REQUIRED: &str = "paths:\n  /orders:\n    get:\n      responses:\n        '200':\n          description: OK\n          headers:\n            X-Rate-Limit:\n              required: true\n              schema:\n                type: integer\n";
const GET_OP_ID: &str = "paths:\n  /orders:\n    get:\n      operationId: listOrders\n      responses:\n        '200':\n          description: OK\n";
const GET_OP_ID_2: &str = "paths:\n  /orders:\n    get:\n      operationId: getOrders\n      responses:\n        '200':\n          description: OK\n";
const GET_TAGGED: &str = "paths:\n  /orders:\n    get:\n      tags: [orders]\n      responses:\n        '200':\n          description: OK\n";
const WEBHOOK: &str = "webhooks:\n  orderPlaced:\n    post:\n      responses:\n        '200':\n          description: OK\n";
const NO_WEBHOOK: &str = "webhooks: {}\n";
const CALLBACK: &str = "paths:\n  /subscriptions:\n    post:\n      callbacks:\n        onEvent:\n          '{$request.body#/url}':\n            post:\n              responses:\n                '200':\n                  description: OK\n      responses:\n        '201':\n          description: Created\n";
const NO_CALLBACK: &str = "paths:\n  /subscriptions:\n    post:\n      responses:\n        '201':\n          description: Created\n";
const OAS_SERVER: &str = "servers:\n  - url: https://api.example.com\npaths: {}\n";
const OAS_TWO_SERVERS: &str =
    "servers:\n  - url: https://api.example.com\n  - url: https://eu.api.example.com\npaths: {}\n";

/// OpenAPI only.
pub(crate) const OPENAPI: &[Spec] = &[
    Spec {
        id: "request-parameter-added-required",
        severity: B,
        applies: SENDS,
        scope: OAS,
        description: "A required parameter was added (or a new path parameter), so existing requests lack it.",
        before: GET,
        after: QUERY_LIMIT_REQUIRED,
    },
    Spec {
        id: "request-parameter-added",
        severity: I,
        applies: SENDS,
        scope: OAS,
        description: "An optional parameter was added.",
        before: GET,
        after: QUERY_LIMIT,
    },
    Spec {
        id: "request-parameter-removed",
        severity: B,
        applies: SENDS,
        scope: OAS,
        description: "A parameter was removed; what consumers send with it is ignored or rejected.",
        before: QUERY_LIMIT,
        after: GET,
    },
    Spec {
        id: "deprecated-parameter-removed",
        severity: I,
        applies: SENDS,
        scope: OAS,
        description: "A parameter that was deprecated was removed.",
        before: QUERY_LIMIT_DEPRECATED,
        after: GET,
    },
    Spec {
        id: "request-parameter-became-required",
        severity: B,
        applies: SENDS,
        scope: OAS,
        description: "An optional parameter became required.",
        before: QUERY_LIMIT,
        after: QUERY_LIMIT_REQUIRED,
    },
    Spec {
        id: "request-parameter-became-optional",
        severity: I,
        applies: SENDS,
        scope: OAS,
        description: "A required parameter became optional.",
        before: QUERY_LIMIT_REQUIRED,
        after: QUERY_LIMIT,
    },
    Spec {
        id: "request-parameter-location-changed",
        severity: B,
        applies: SENDS,
        scope: OAS,
        description: "A parameter moved to another location (query, header, path, cookie).",
        before: QUERY_LIMIT,
        after: HEADER_LIMIT,
    },
    Spec {
        id: "request-parameter-serialization-changed",
        severity: B,
        applies: SENDS,
        scope: OAS,
        description: "How a parameter is serialised changed (`style`, `explode`, `allowReserved`, `allowEmptyValue`, `content`).",
        before: QUERY_LIMIT,
        after: QUERY_LIMIT_FORM,
    },
    Spec {
        id: "request-path-parameter-renamed",
        severity: I,
        applies: SENDS,
        scope: OAS,
        description: "A path parameter was renamed; the URL consumers build is the same.",
        before: PATH_ID,
        after: PATH_ORDER_ID,
    },
    Spec {
        id: "parameter-deprecated",
        severity: I,
        applies: SENDS,
        scope: OAS,
        description: "A parameter was marked `deprecated`.",
        before: QUERY_LIMIT,
        after: QUERY_LIMIT_DEPRECATED,
    },
    Spec {
        id: "parameter-reactivated",
        severity: I,
        applies: SENDS,
        scope: OAS,
        description: "A parameter is no longer `deprecated`.",
        before: QUERY_LIMIT_DEPRECATED,
        after: QUERY_LIMIT,
    },
    Spec {
        id: "request-body-added-required",
        severity: B,
        applies: SENDS,
        scope: OAS,
        description: "A required request body was added.",
        before: POST_NO_BODY,
        after: POST_BODY_REQUIRED,
    },
    Spec {
        id: "request-body-added",
        severity: I,
        applies: SENDS,
        scope: OAS,
        description: "An optional request body was added.",
        before: POST_NO_BODY,
        after: POST_BODY,
    },
    Spec {
        id: "request-body-removed",
        severity: B,
        applies: SENDS,
        scope: OAS,
        description: "The request body was removed; what consumers send is ignored or rejected.",
        before: POST_BODY,
        after: POST_NO_BODY,
    },
    Spec {
        id: "request-body-became-required",
        severity: B,
        applies: SENDS,
        scope: OAS,
        description: "An optional request body became required.",
        before: POST_BODY,
        after: POST_BODY_REQUIRED,
    },
    Spec {
        id: "request-body-became-optional",
        severity: I,
        applies: SENDS,
        scope: OAS,
        description: "A required request body became optional.",
        before: POST_BODY_REQUIRED,
        after: POST_BODY,
    },
    Spec {
        id: "request-media-type-added",
        severity: I,
        applies: SENDS,
        scope: OAS,
        description: "The request body accepts another media type.",
        before: POST_BODY,
        after: POST_BODY_TWO_TYPES,
    },
    Spec {
        id: "request-media-type-removed",
        severity: B,
        applies: SENDS,
        scope: OAS,
        description: "The request body no longer accepts a media type.",
        before: POST_BODY_TWO_TYPES,
        after: POST_BODY,
    },
    Spec {
        id: "response-success-status-removed",
        severity: B,
        applies: RECEIVES,
        scope: OAS,
        description: "A success (2xx) or redirect (3xx) response was removed.",
        before: GET,
        after: GET_204,
    },
    Spec {
        id: "response-status-removed",
        severity: W,
        applies: RECEIVES,
        scope: OAS,
        description: "An error response (4xx, 5xx, default) was removed.",
        before: GET_404,
        after: GET,
    },
    Spec {
        id: "response-status-added",
        severity: I,
        applies: RECEIVES,
        scope: OAS,
        description: "A response status was added.",
        before: GET,
        after: GET_404,
    },
    Spec {
        id: "response-media-type-removed",
        severity: B,
        applies: RECEIVES,
        scope: OAS,
        description: "A response no longer comes in a media type.",
        before: GET_JSON_XML,
        after: GET_JSON,
    },
    Spec {
        id: "response-media-type-added",
        severity: I,
        applies: RECEIVES,
        scope: OAS,
        description: "A response comes in another media type.",
        before: GET_JSON,
        after: GET_JSON_XML,
    },
    Spec {
        id: "response-required-header-removed",
        severity: B,
        applies: RECEIVES,
        scope: OAS,
        description: "A required response header was removed.",
        before: GET_HEADER_REQUIRED,
        after: GET,
    },
    Spec {
        id: "response-header-removed",
        severity: W,
        applies: RECEIVES,
        scope: OAS,
        description: "An optional response header was removed.",
        before: GET_HEADER,
        after: GET,
    },
    Spec {
        id: "response-header-added",
        severity: I,
        applies: RECEIVES,
        scope: OAS,
        description: "A response header was added.",
        before: GET,
        after: GET_HEADER,
    },
    Spec {
        id: "response-header-became-optional",
        severity: B,
        applies: RECEIVES,
        scope: OAS,
        description: "A required response header became optional, so it may be missing.",
        before: GET_HEADER_REQUIRED,
        after: GET_HEADER,
    },
    Spec {
        id: "response-header-became-required",
        severity: I,
        applies: RECEIVES,
        scope: OAS,
        description: "An optional response header became required.",
        before: GET_HEADER,
        after: GET_HEADER_REQUIRED,
    },
    Spec {
        id: "operation-id-changed",
        severity: W,
        applies: NONE,
        scope: OAS,
        description: "An `operationId` changed; generated clients rename the method.",
        before: GET_OP_ID,
        after: GET_OP_ID_2,
    },
    Spec {
        id: "operation-tags-changed",
        severity: I,
        applies: NONE,
        scope: OAS,
        description: "The tags of an operation changed.",
        before: GET,
        after: GET_TAGGED,
    },
    Spec {
        id: "webhook-added",
        severity: I,
        applies: BOTH,
        scope: OAS,
        description: "A webhook was added.",
        before: NO_WEBHOOK,
        after: WEBHOOK,
    },
    Spec {
        id: "webhook-removed",
        severity: B,
        applies: BOTH,
        scope: OAS,
        description: "A webhook was removed; consumers no longer receive its calls.",
        before: WEBHOOK,
        after: NO_WEBHOOK,
    },
    Spec {
        id: "callback-added",
        severity: I,
        applies: BOTH,
        scope: OAS,
        description: "A callback was added to an operation.",
        before: NO_CALLBACK,
        after: CALLBACK,
    },
    Spec {
        id: "callback-removed",
        severity: B,
        applies: BOTH,
        scope: OAS,
        description: "A callback was removed from an operation; consumers no longer receive its calls.",
        before: CALLBACK,
        after: NO_CALLBACK,
    },
    Spec {
        id: "api-server-removed",
        severity: W,
        applies: BOTH,
        scope: OAS,
        description: "A server URL was removed; consumers configured with it must move.",
        before: OAS_TWO_SERVERS,
        after: OAS_SERVER,
    },
    Spec {
        id: "api-server-added",
        severity: I,
        applies: BOTH,
        scope: OAS,
        description: "A server URL was added.",
        before: OAS_SERVER,
        after: OAS_TWO_SERVERS,
    },
    Spec {
        id: "operation-added",
        severity: I,
        applies: BOTH,
        scope: OAS,
        description: "An operation (a method on a path, or an AsyncAPI operation) was added.",
        before: GET,
        after: GET_POST,
    },
    Spec {
        id: "operation-removed",
        severity: B,
        applies: BOTH,
        scope: OAS,
        description: "An operation (a method on a path, or an AsyncAPI operation) was removed.",
        before: GET_POST,
        after: GET,
    },
    Spec {
        id: "deprecated-operation-removed",
        severity: I,
        applies: BOTH,
        scope: OAS,
        description: "An operation that was deprecated was removed (announced, so not breaking by itself).",
        before: "paths:\n  /orders:\n    get:\n      responses:\n        '200':\n          description: OK\n    post:\n      deprecated: true\n      responses:\n        '201':\n          description: Created\n",
        after: GET,
    },
    Spec {
        id: "operation-deprecated",
        severity: I,
        applies: BOTH,
        scope: OAS,
        description: "An operation was marked `deprecated`.",
        before: GET,
        after: GET_DEPRECATED,
    },
    Spec {
        id: "operation-reactivated",
        severity: I,
        applies: BOTH,
        scope: OAS,
        description: "An operation is no longer `deprecated`.",
        before: GET_DEPRECATED,
        after: GET,
    },
    Spec {
        id: "sunset-changed",
        severity: I,
        applies: NONE,
        scope: OAS,
        description: "A sunset date (`x-sunset`) was set or moved later.",
        before: GET_DEPRECATED,
        after: GET_SUNSET,
    },
    Spec {
        id: "sunset-moved-earlier",
        severity: W,
        applies: NONE,
        scope: OAS,
        description: "A sunset date (`x-sunset`) moved earlier.",
        before: GET_SUNSET,
        after: GET_SUNSET_EARLIER,
    },
    Spec {
        id: "sunset-removed",
        severity: W,
        applies: NONE,
        scope: OAS,
        description: "A sunset date (`x-sunset`) was removed while the element stays deprecated.",
        before: GET_SUNSET,
        after: GET_DEPRECATED,
    },
];
