//! One test per feature. Expected answers are what Spectral 6's engine (nimma 0.2.3, or
//! jsonpath-plus 10.4 where nimma hands over) returned for the same document and path,
//! except where a test says it checks a deliberate difference.

use portico_jsonpath::{Field, MAX_DEPTH, Path, PathSet, Segment};
use serde_json::{Value, json};

fn doc() -> Value {
    json!({
        "a": {"type": "string", "enum": [1, 2], "x-y": "q", "n": 5, "s": "Hello", "arr": ["array", "null"], "z": null, "b": true, "e": "", "zero": 0},
        "b": [1, "2", null, {"type": "array"}],
        "c": "text",
        "200": {"q": 1},
        "-1": "minus one",
        "we'ird": {"k.k": 1}
    })
}

fn print(path: &[Segment]) -> String {
    let mut s = String::from("$");
    for seg in path {
        match seg {
            Segment::Key(k) => s.push_str(&format!("['{k}']")),
            Segment::Index(i) => s.push_str(&format!("[{i}]")),
        }
    }
    s
}

/// The paths `expr` selects, sorted (member order depends on serde_json's features),
/// checking on the way that `PathSet::visit` agrees, order included.
fn sel_in(doc: &Value, expr: &str) -> Vec<String> {
    let path = Path::parse(expr).unwrap_or_else(|e| panic!("{expr}: {e}"));
    let selected: Vec<(String, Value)> = path
        .select(doc)
        .into_iter()
        .map(|m| (print(&m.path), m.value.into_owned()))
        .collect();
    let mut visited = Vec::new();
    PathSet::new(vec![path]).visit(doc, |i, p, v| {
        assert_eq!(i, 0);
        visited.push((print(p), v.clone()));
    });
    assert_eq!(selected, visited, "{expr}: visit and select differ");
    let mut paths: Vec<String> = selected.into_iter().map(|(p, _)| p).collect();
    paths.sort();
    paths
}

fn sel(expr: &str) -> Vec<String> {
    sel_in(&doc(), expr)
}

fn values(expr: &str) -> Vec<Value> {
    Path::parse(expr)
        .expect("parses")
        .select(&doc())
        .into_iter()
        .map(|m| m.value.into_owned())
        .collect()
}

fn err(expr: &str) -> (String, usize) {
    let e = Path::parse(expr).expect_err(expr);
    (e.message, e.offset)
}

#[test]
fn root() {
    assert_eq!(sel("$"), ["$"]);
    assert_eq!(values("$"), [doc()]);
    // A scalar document: `$` only (Spectral runs nothing else on one).
    assert_eq!(sel_in(&json!(3), "$"), ["$"]);
    assert!(sel_in(&json!(3), "$.*").is_empty());
}

#[test]
fn child_selectors() {
    assert_eq!(sel("$.a.n"), ["$['a']['n']"]);
    assert_eq!(sel("$['a']['n']"), ["$['a']['n']"]);
    assert_eq!(sel("$[\"a\"][\"n\"]"), ["$['a']['n']"]);
    assert_eq!(sel("$.a.x-y"), ["$['a']['x-y']"]);
    assert_eq!(sel("$.a['x-y']"), ["$['a']['x-y']"]);
    assert_eq!(sel(r"$['we\'ird']['k.k']"), ["$['we'ird']['k.k']"]);
    assert_eq!(sel("$[\"we'ird\"]"), ["$['we'ird']"]);
    assert_eq!(sel(r#"$["a"]["\u006e"]"#), ["$['a']['n']"]);
    assert_eq!(sel("$.channels.*.[publish]"), Vec::<String>::new());
    assert_eq!(sel("$.a.[n]"), ["$['a']['n']"]);
    assert!(sel("$.nothing").is_empty());
    assert!(sel("$.nothing.deeper").is_empty());
    assert!(sel("$.c.length").is_empty(), "a string has no members");
}

#[test]
fn indices_are_names() {
    assert_eq!(sel("$.b[0]"), ["$['b'][0]"]);
    assert_eq!(sel("$.b['0']"), ["$['b'][0]"]);
    assert_eq!(sel("$.b.0"), ["$['b'][0]"]);
    // `[429]` names the "429" response.
    assert_eq!(sel("$[200]"), ["$['200']"]);
    assert_eq!(sel("$.200.q"), ["$['200']['q']"]);
    assert!(sel("$.b[9]").is_empty());
    assert!(sel("$.b[01]").is_empty(), "not a canonical index");
}

#[test]
fn negative_index_counts_nothing_from_the_end() {
    // Neither nimma nor jsonpath-plus selects the last element with `[-1]`.
    assert!(sel("$.b[-1]").is_empty());
    assert_eq!(sel("$[-1]"), ["$['-1']"]);
    assert_eq!(sel("$.b[-1:]"), ["$['b'][3]"]);
}

#[test]
fn wildcards() {
    assert_eq!(
        sel("$.b.*"),
        ["$['b'][0]", "$['b'][1]", "$['b'][2]", "$['b'][3]"]
    );
    assert_eq!(sel("$.b[*]"), sel("$.b.*"));
    assert_eq!(sel("$.200.*"), ["$['200']['q']"]);
    assert!(sel("$.c.*").is_empty());
    assert_eq!(sel("$.*").len(), 6);
}

#[test]
fn unions() {
    assert_eq!(sel("$['a','c']"), ["$['a']", "$['c']"]);
    assert_eq!(
        sel("$[c,a]"),
        ["$['a']", "$['c']"],
        "document order, as one walk reports them"
    );
    assert_eq!(sel("$.b[3,1]"), ["$['b'][1]", "$['b'][3]"]);
    assert_eq!(sel("$.b[0, 0]"), ["$['b'][0]"], "each location once");
    assert_eq!(sel("$.a[n,s,missing]"), ["$['a']['n']", "$['a']['s']"]);
    assert_eq!(sel("$.b[0,2:]"), ["$['b'][0]", "$['b'][2]", "$['b'][3]"]);
}

#[test]
fn slices() {
    assert_eq!(sel("$.b[1:]"), ["$['b'][1]", "$['b'][2]", "$['b'][3]"]);
    assert_eq!(sel("$.b[:2]"), ["$['b'][0]", "$['b'][1]"]);
    assert_eq!(sel("$.b[0:4:2]"), ["$['b'][0]", "$['b'][2]"]);
    assert_eq!(sel("$.b[1::2]"), ["$['b'][1]", "$['b'][3]"]);
    assert_eq!(sel("$.b[-2:]"), ["$['b'][2]", "$['b'][3]"]);
    assert_eq!(sel("$.b[-3:-1]"), ["$['b'][1]", "$['b'][2]"]);
    assert_eq!(sel("$.b[:]"), sel("$.b.*"));
    assert!(sel("$.b[2:1]").is_empty());
    assert!(sel("$.a[0:5]").is_empty(), "objects are not sliced");
    assert_eq!(
        sel("$..[1:]").len(),
        5,
        "every array, unlike nimma 0.2.3 (a bug there)"
    );
}

#[test]
fn recursive_descent() {
    assert_eq!(sel("$..q"), ["$['200']['q']"]);
    assert_eq!(sel("$..['q']"), ["$['200']['q']"]);
    assert_eq!(sel("$..type"), ["$['a']['type']", "$['b'][3]['type']"]);
    assert_eq!(sel("$..*").len(), 6 + 10 + 2 + 2 + 4 + 1 + 1 + 1);
    assert!(
        !sel("$..*").contains(&"$".to_string()),
        "descendants, not the root"
    );
    assert_eq!(
        sel("$..[?(@ === 'array')]"),
        ["$['a']['arr'][0]", "$['b'][3]['type']"]
    );
    assert_eq!(sel("$..b..type"), ["$['b'][3]['type']"]);
    assert_eq!(
        sel("$.b..*"),
        [
            "$['b'][0]",
            "$['b'][1]",
            "$['b'][2]",
            "$['b'][3]",
            "$['b'][3]['type']"
        ]
    );
    assert_eq!(
        sel("$..[?(@ && @.type)].type"),
        ["$['a']['type']", "$['b'][3]['type']"]
    );
    // Nested matches of the first `..` step do not repeat a location.
    let nested = json!({"x": {"x": {"y": 1}}});
    assert_eq!(sel_in(&nested, "$..x..y"), ["$['x']['x']['y']"]);
}

#[test]
fn property_names() {
    assert_eq!(sel("$.a.arr.*~"), ["$['a']['arr'][0]", "$['a']['arr'][1]"]);
    assert_eq!(values("$.a.arr.*~"), [json!(0), json!(1)]);
    assert_eq!(values("$.200.*~"), [json!("q")]);
    assert_eq!(values("$..[?(@ === 'q')]~"), [json!("x-y")]);
    assert!(values("$~").is_empty(), "the root has no key");
    let keys = Field::parse("@key").expect("parses");
    let d = doc();
    let t = keys.targets(&d["200"]);
    assert_eq!(t.len(), 1);
    assert_eq!(t[0].path, [Segment::Key("q".into())]);
    assert_eq!(t[0].value.as_deref(), Some(&json!("q")));
}

#[test]
fn parent_operator() {
    assert_eq!(sel("$.a.n^"), ["$['a']"]);
    assert_eq!(sel("$..q^"), ["$['200']"]);
    assert_eq!(
        sel("$.a.*^"),
        ["$['a']"],
        "once, though every child leads to it"
    );
    assert_eq!(sel("$.a.enum[0]^^"), ["$['a']"]);
    assert_eq!(
        sel("$..[?(@property === 'type')]^"),
        ["$['a']", "$['b'][3]"]
    );
    assert_eq!(sel("$.*[?(@ === 5)]^.s"), ["$['a']['s']"]);
    assert_eq!(values("$.a.n^~"), [json!("a")]);
    assert!(sel("$.missing^").is_empty());
}

#[test]
fn filter_property() {
    assert_eq!(sel("$.a[?(@property === 'n')]"), ["$['a']['n']"]);
    // Array elements' @property is a number...
    assert_eq!(sel("$.b[?(@property === 1)]"), ["$['b'][1]"]);
    assert!(sel("$.b[?(@property === '1')]").is_empty());
    assert_eq!(sel("$.b[?(@property == '1')]"), ["$['b'][1]"]);
    // ...which string methods see as a string (nimma's rewrite).
    assert_eq!(
        sel("$.b[?(@property.match(/^[13]$/))]"),
        ["$['b'][1]", "$['b'][3]"]
    );
    assert_eq!(
        sel("$.a[?(@property.startsWith('e'))]"),
        ["$['a']['e']", "$['a']['enum']"]
    );
    assert_eq!(sel("$.a[?(@property.length == 1)]").len(), 5);
    assert_eq!(sel("$..[?(@property > 2)]"), ["$['200']", "$['b'][3]"]);
    assert_eq!(
        sel("$..[?(@property in ['n', 's'])]"),
        ["$['a']['n']", "$['a']['s']"]
    );
}

#[test]
fn filter_path() {
    assert_eq!(
        sel("$..[?(@path === \"$['a']['arr'][1]\")]"),
        ["$['a']['arr'][1]"]
    );
    // nimma quotes every key (jsonpath-plus would print `$[200]`).
    assert_eq!(sel("$..[?(@path === \"$['200']\")]"), ["$['200']"]);
    assert!(sel("$..[?(@path === '$[200]')]").is_empty());
    assert_eq!(
        sel("$..[?(@path.includes('enum'))]"),
        ["$['a']['enum']", "$['a']['enum'][0]", "$['a']['enum'][1]"]
    );
}

#[test]
fn filter_parent() {
    // `@parentProperty` is the key of the node holding `@`, `@parent` the node above that:
    // what both engines do, whatever jsonpath-plus's README suggests.
    assert_eq!(
        sel("$.a.arr[?(@parentProperty === 'arr')]"),
        ["$['a']['arr'][0]", "$['a']['arr'][1]"]
    );
    assert_eq!(
        sel("$.a.arr[?(@parent.n === 5)]"),
        ["$['a']['arr'][0]", "$['a']['arr'][1]"]
    );
    assert!(sel("$.a.arr[?(@parent.length === 2)]").is_empty());
    assert_eq!(sel("$..[?(@parentProperty === 'b')]").len(), 4);
    assert_eq!(
        sel("$[?(@parentProperty === undefined)]").len(),
        6,
        "undefined for the root's children"
    );
    // For the root's children `undefined.n` throws (Spectral aborts); here they just fail.
    assert_eq!(
        sel("$..[?(@parent.n === 5)]"),
        [
            "$['a']['arr'][0]",
            "$['a']['arr'][1]",
            "$['a']['enum'][0]",
            "$['a']['enum'][1]"
        ]
    );
}

#[test]
fn filter_root() {
    assert_eq!(
        sel("$..[?(@root.c === 'text' && @property === 'q')]"),
        ["$['200']['q']"]
    );
    assert_eq!(
        sel("$..[?($.c === 'text' && @property === 'q')]"),
        ["$['200']['q']"]
    );
}

#[test]
fn filter_equality() {
    assert_eq!(sel("$.b[?(@ === 1)]"), ["$['b'][0]"]);
    assert_eq!(sel("$.b[?(@ == 2)]"), ["$['b'][1]"], "loose: '2' == 2");
    assert!(sel("$.b[?(@ === 2)]").is_empty());
    assert_eq!(
        sel("$.b[?(@ != 1)]"),
        ["$['b'][1]", "$['b'][2]", "$['b'][3]"]
    );
    assert_eq!(
        sel("$.b[?(@ !== 1)]"),
        ["$['b'][1]", "$['b'][2]", "$['b'][3]"]
    );
    assert_eq!(
        sel("$.b[?(@ != null)]"),
        ["$['b'][0]", "$['b'][1]", "$['b'][3]"]
    );
    assert_eq!(
        sel("$.b[?(@ == undefined)]"),
        ["$['b'][2]"],
        "null == undefined"
    );
    assert!(sel("$.b[?(@ === undefined)]").is_empty());
    assert_eq!(sel("$.a[?(@ == true)]"), ["$['a']['b']"]);
    assert_eq!(
        sel("$.a[?(@ == 0)]"),
        ["$['a']['e']", "$['a']['zero']"],
        "'' == 0"
    );
    assert_eq!(sel("$.a[?(@ == '5')]"), ["$['a']['n']"]);
    assert_eq!(
        sel("$.a[?(@ == '1,2')]"),
        ["$['a']['enum']"],
        "an array compares as its join"
    );
    assert!(sel("$.a[?(@ === @)]").len() == 10);
}

#[test]
fn filter_relational() {
    assert_eq!(sel("$.a[?(@ > 1)]"), ["$['a']['n']"]);
    assert_eq!(sel("$.a[?(@ >= 5)]"), ["$['a']['n']"]);
    assert_eq!(sel("$.b[?(@ < 2)]"), ["$['b'][0]", "$['b'][2]"], "null < 2");
    assert_eq!(
        sel("$.b[?(@ <= 2)]"),
        ["$['b'][0]", "$['b'][1]", "$['b'][2]"]
    );
    assert_eq!(
        sel("$.a[?(@ < 'I')]"),
        ["$['a']['e']", "$['a']['enum']", "$['a']['s']"],
        "strings by code unit"
    );
    assert_eq!(
        sel("$.a[?(@ > 'q')]"),
        ["$['a']['type']"],
        "true > 'q' compares 1 with NaN"
    );
}

#[test]
fn filter_logic_and_truthiness() {
    assert_eq!(
        sel("$.a[?(!@)]"),
        ["$['a']['e']", "$['a']['z']", "$['a']['zero']"]
    );
    assert_eq!(sel("$.a[?(@)]").len(), 7, "arrays are truthy");
    assert_eq!(
        sel("$.a[?(@ && @.length)]"),
        [
            "$['a']['arr']",
            "$['a']['enum']",
            "$['a']['s']",
            "$['a']['type']",
            "$['a']['x-y']"
        ]
    );
    assert_eq!(
        sel("$.a[?(@ === 5 || @ === 'q')]"),
        ["$['a']['n']", "$['a']['x-y']"]
    );
    assert_eq!(
        sel("$.a[?(@ !== 5 && (@ === 'q' || @ === true))]"),
        ["$['a']['b']", "$['a']['x-y']"]
    );
    assert_eq!(sel("$.a[?(!(@ === 5))]").len(), 9);
    assert_eq!(sel("$.a[?(@ ? false : true)]"), sel("$.a[?(!@)]"));
}

#[test]
fn filter_members() {
    assert_eq!(sel("$..[?(@ && @.type === 'array')]"), ["$['b'][3]"]);
    assert_eq!(sel("$[?(@ && @['x-y'] === 'q')]"), ["$['a']"]);
    assert_eq!(sel("$[?(@ && @.enum && @.enum[1] === 2)]"), ["$['a']"]);
    assert_eq!(sel("$[?(@ && @.enum && @.enum.length > 1)]"), ["$['a']"]);
    assert_eq!(sel("$[?(@ && @.s && @.s.length === 5)]"), ["$['a']"]);
    assert_eq!(sel("$[?(@ && @.missing === undefined && @.n)]"), ["$['a']"]);
    assert_eq!(sel("$[?(@ && @.missing === void 0 && @.n)]"), ["$['a']"]);
    assert_eq!(
        sel("$..[?(@ && @.enum && @.enum.constructor.name === 'Array')]"),
        ["$['a']"]
    );
    assert_eq!(sel("$..[?(@ && @.constructor.name === 'Object')]").len(), 4);
    assert_eq!(
        sel("$[?(@.constructor.name === 'String')]"),
        ["$['-1']", "$['c']"]
    );
}

#[test]
fn filter_missing_members_and_errors() {
    // `@.foo` of an object without it is undefined...
    assert_eq!(sel("$[?(@.foo === undefined)]").len(), 6);
    // ...`@.foo.bar` throws in JavaScript (Spectral aborts); here: no match.
    assert!(sel("$[?(@.foo.bar === undefined)]").is_empty());
    // `null.type` throws for $.a.z only; the others are compared.
    assert_eq!(sel("$.a[?(@.type === undefined)]").len(), 9);
    // A string method on a number throws.
    assert!(sel("$.a[?(@.startsWith('H'))]").contains(&"$['a']['s']".to_string()));
}

#[test]
fn filter_methods() {
    assert_eq!(
        sel("$.a[?(@.match && @.match(/^h/i))]"),
        Vec::<String>::new(),
        "strings have no `match` member"
    );
    assert_eq!(
        sel("$..[?(@property === 's' && @.match(/^h/i))]"),
        ["$['a']['s']"]
    );
    assert!(sel("$..[?(@property === 's' && @.match(/^h/))]").is_empty());
    assert_eq!(
        sel("$..[?(@property === 's' && @.match('l+'))]"),
        ["$['a']['s']"]
    );
    assert_eq!(
        sel("$..[?(@property === 's' && @.startsWith('He'))]"),
        ["$['a']['s']"]
    );
    assert_eq!(
        sel("$..[?(@property === 's' && @.endsWith('lo'))]"),
        ["$['a']['s']"]
    );
    assert_eq!(
        sel("$..[?(@property === 's' && @.includes('ll'))]"),
        ["$['a']['s']"]
    );
    assert_eq!(
        sel("$..[?(@property === 's' && @.indexOf('l') === 2)]"),
        ["$['a']['s']"]
    );
    assert_eq!(
        sel("$..[?(@property === 's' && @.toLowerCase() === 'hello')]"),
        ["$['a']['s']"]
    );
    assert_eq!(
        sel("$[?(@ && @.arr && @.arr.includes('null'))]"),
        ["$['a']"]
    );
    assert_eq!(
        sel("$[?(@ && @.arr && @.arr.indexOf('null') === 1)]"),
        ["$['a']"]
    );
    assert_eq!(
        sel("$[?(@ && @.type && @.type.constructor.name === 'Array' && @.type.includes('array'))]")
            .len(),
        0
    );
    assert_eq!(sel("$.a.*[?(/^a/.test(@))]"), ["$['a']['arr'][0]"]);
    assert_eq!(sel("$.a[?(@ ~= '^H')]"), ["$['a']['s']"]);
    assert_eq!(
        sel(r"$.a[?(@property.match(/^\w-\w$/))]"),
        ["$['a']['x-y']"]
    );
}

#[test]
fn filter_types() {
    assert_eq!(
        sel("$.a[?(typeof @ === 'object')]"),
        ["$['a']['arr']", "$['a']['enum']", "$['a']['z']"]
    );
    assert_eq!(sel("$.a[?(typeof @ === 'string')]").len(), 4);
    assert_eq!(
        sel("$.a[?(Array.isArray(@))]"),
        ["$['a']['arr']", "$['a']['enum']"]
    );
    assert_eq!(sel("$.a[?(@null)]"), ["$['a']['z']"]);
    assert_eq!(sel("$.a[?(@array)]"), sel("$.a[?(Array.isArray(@))]"));
    assert_eq!(sel("$.b[?(@object)]"), ["$['b'][3]"]);
    assert_eq!(
        sel("$.b[?(@scalar)]"),
        ["$['b'][0]", "$['b'][1]", "$['b'][2]"]
    );
    assert_eq!(sel("$.a[?(@integer)]"), ["$['a']['n']", "$['a']['zero']"]);
    assert_eq!(sel("$.a[?(@string)]").len(), 4);
    assert_eq!(sel("$.a[?(@number)]").len(), 2);
    assert_eq!(sel("$.a[?(@boolean)]"), ["$['a']['b']"]);
}

#[test]
fn filter_arithmetic() {
    assert_eq!(sel("$.a[?(-@ == -5)]"), ["$['a']['n']"]);
    assert_eq!(sel("$.a[?(@ + 1 == 6)]"), ["$['a']['n']"]);
    assert_eq!(sel("$.a[?(@ + 1 === 'Hello1')]"), ["$['a']['s']"]);
    assert_eq!(
        sel("$.a[?(@ * 2 - 1 === 9 && @ / 5 === 1 && @ % 2 === 1)]"),
        ["$['a']['n']"]
    );
    assert_eq!(sel("$.a[?(0x5 === @)]"), ["$['a']['n']"]);
}

#[test]
fn filters_in_the_middle_and_after_descent() {
    assert_eq!(sel("$[?(@ && @.n === 5)].s"), ["$['a']['s']"]);
    assert_eq!(
        sel("$..[?(@ && @.type)]..type"),
        ["$['a']['type']", "$['b'][3]['type']"]
    );
    assert_eq!(sel("$..enum[?(@ > 1)]~"), ["$['a']['enum'][1]"]);
}

#[test]
fn parse_errors_name_the_position() {
    assert_eq!(err("info"), ("a path starts with '$', found 'i'".into(), 0));
    assert_eq!(err("$.a[?(@.foo(1))]").1, 8);
    assert!(
        err("$.a[?(@.foo(1))]")
            .0
            .contains("unsupported method 'foo'")
    );
    assert_eq!(
        err("$[?(window.x)]"),
        ("unknown identifier 'window'".into(), 4)
    );
    assert_eq!(err("$[(@.length-1)]").1, 2);
    assert_eq!(err("$..").1, 3);
    assert_eq!(err("$.a~.b").1, 3);
    assert!(
        err("$[?(@.match(/(?=a)/))]")
            .0
            .contains("unsupported regex")
    );
    assert!(err("$.b[::-1]").0.contains("step must be positive"));
    assert!(err("$.b[0:1:0]").0.contains("step must be positive"));
    assert!(err("$[?(@ === 'a)]").0.contains("unterminated string"));
    assert!(err("$^").0.contains("above the root"));
    assert!(err("$..q^^").0.contains("not supported"));
    assert!(err("$.a[?(@ = 1)]").0.contains("expected ')'"));
    assert!(err("$.a[?(@ === 1]").0.contains("expected ')'"));
    assert!(err("$.a b").0.contains("found ' '"));
    assert!(err("$.a[?(@.x.y((((").1 > 0);
    let deep = format!("$[?({}1{})]", "(".repeat(100), ")".repeat(100));
    assert!(err(&deep).0.contains("nests deeper"));
    assert!(err("$..*@string()").0.contains("found '@'"));
    assert!(err("$[?(@.x /g)]").1 > 0);
    let e = Path::parse("$.a[?(@ ==)]").expect_err("incomplete");
    assert_eq!(
        e.to_string(),
        format!("{} (at byte {})", e.message, e.offset)
    );
}

#[test]
fn fixed_paths_and_prefixes() {
    let p = Path::parse("$.info.contact").expect("parses");
    assert!(p.is_fixed());
    assert_eq!(p.literal_prefix(), ["info", "contact"]);
    let p = Path::parse("$.paths[*].get").expect("parses");
    assert!(!p.is_fixed());
    assert_eq!(p.literal_prefix(), ["paths"]);
    assert!(!Path::parse("$.a.b~").expect("parses").is_fixed());
    assert!(!Path::parse("$..a").expect("parses").is_fixed());
    assert!(Path::parse("$").expect("parses").is_fixed());
    assert_eq!(
        Path::parse("$['a'][0]").expect("parses").literal_prefix(),
        ["a", "0"]
    );
    assert_eq!(Path::parse("$.a").expect("parses").as_str(), "$.a");
}

#[test]
fn path_set_reports_every_path_per_node_in_order() {
    let paths = [
        "$..type",
        "$.a.type",
        "$..[?(@ === 'string')]",
        "$..type",
        "$.b[3]~",
        "$.a^",
    ];
    let set = PathSet::new(
        paths
            .iter()
            .map(|p| Path::parse(p).expect("parses"))
            .collect(),
    );
    let mut seen = Vec::new();
    set.visit(&doc(), |i, p, v| seen.push((i, print(p), v.clone())));
    let a_type = "$['a']['type']".to_string();
    assert_eq!(
        seen,
        [
            (5, "$".to_string(), doc()),
            (0, a_type.clone(), json!("string")),
            (1, a_type.clone(), json!("string")),
            (2, a_type.clone(), json!("string")),
            (3, a_type, json!("string")),
            (4, "$['b'][3]".into(), json!(3)),
            (0, "$['b'][3]['type']".into(), json!("array")),
            (3, "$['b'][3]['type']".into(), json!("array")),
        ]
    );
}

#[test]
fn depth_limit() {
    // {"x": {"x": ... {"x": "leaf"}}}, deeper than the limit.
    let mut v = json!("leaf");
    for _ in 0..MAX_DEPTH + 100 {
        v = json!({ "x": v });
    }
    let all = sel_in(&v, "$..x");
    assert_eq!(
        all.len(),
        MAX_DEPTH,
        "nodes down to depth {MAX_DEPTH}, not below"
    );
    assert!(sel_in(&v, "$..[?(@ === 'leaf')]").is_empty());
    assert_eq!(sel_in(&v, "$..x^").len(), MAX_DEPTH);
    let mut count = 0;
    PathSet::new(vec![Path::parse("$..*").expect("parses")]).visit(&v, |_, p, _| {
        assert!(p.len() <= MAX_DEPTH);
        count += 1;
    });
    assert_eq!(count, MAX_DEPTH);
    // Dropping a very deep value recurses too: keep the test's own stack small.
    while let Value::Object(mut m) = v {
        v = m.remove("x").unwrap_or(Value::Null);
    }
}

#[test]
fn fields() {
    let given = json!({"info": {"contact": {"name": "x"}}, "list": [{"a": 1}], "429": {"content": {}}, "Retry-After": 1});
    let targets = |f: &str| -> Vec<(String, Option<Value>)> {
        Field::parse(f)
            .expect("parses")
            .targets(&given)
            .into_iter()
            .map(|t| (print(&t.path), t.value.map(|v| v.into_owned())))
            .collect()
    };
    assert_eq!(
        targets("info.contact"),
        [("$['info']['contact']".into(), Some(json!({"name": "x"})))]
    );
    assert_eq!(
        targets("list[0].a"),
        [("$['list'][0]['a']".into(), Some(json!(1)))]
    );
    assert_eq!(targets("list.0.a"), targets("list[0].a"));
    assert_eq!(
        targets("429.content"),
        [("$['429']['content']".into(), Some(json!({})))]
    );
    assert_eq!(
        targets("Retry-After"),
        [("$['Retry-After']".into(), Some(json!(1)))]
    );
    assert_eq!(
        targets("info['contact'].name"),
        [("$['info']['contact']['name']".into(), Some(json!("x")))]
    );
    assert_eq!(
        targets("info.missing.deeper"),
        [("$['info']['missing']['deeper']".into(), None)]
    );
    assert_eq!(
        targets("$.list[*].a"),
        [("$['list'][0]['a']".into(), Some(json!(1)))]
    );
    assert_eq!(
        targets("$.nothing"),
        [("$".into(), None)],
        "nothing found: one undefined target"
    );
    assert_eq!(targets("@key").len(), 4);
    // A scalar `given` match is its own target.
    let s = json!("s");
    let t = Field::parse("name").expect("parses").targets(&s);
    assert_eq!(t.len(), 1);
    assert!(t[0].path.is_empty());
    assert_eq!(t[0].value.as_deref(), Some(&json!("s")));
}
