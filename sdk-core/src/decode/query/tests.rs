use std::borrow::Cow;

use proptest::prelude::*;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::parse::{parse, Node, MAX_DEPTH, MAX_PARAMS};
use crate::testing::axios_query;
use crate::{ErrorKind, PluginConfig, RawInputs, Secret};

fn leaf(text: &str) -> Node<'_> {
    Node::Leaf(Cow::Borrowed(text))
}

fn config() -> PluginConfig {
    PluginConfig::new(Secret::new("s").unwrap())
}

#[test]
fn parses_brackets_raw_and_encoded() {
    for query in ["a[b][c]=1&a[b][d]=2", "a%5Bb%5D%5Bc%5D=1&a%5Bb%5D%5Bd%5D=2"] {
        let tree = parse(query).unwrap();
        let Node::Map(a) = &tree["a"] else {
            panic!("{tree:?}")
        };
        let Node::Map(b) = &a["b"] else {
            panic!("{a:?}")
        };
        assert_eq!(b["c"], leaf("1"));
        assert_eq!(b["d"], leaf("2"));
    }
}

#[test]
fn arrays_spaces_and_repeats() {
    let tree = parse("t[]=a&t[]=b+c&r=1&r=2&e=").unwrap();
    assert_eq!(tree["t"], Node::Seq(vec![leaf("a"), leaf("b c")]));
    assert_eq!(tree["r"], Node::Seq(vec![leaf("1"), leaf("2")]));
    assert_eq!(tree["e"], leaf(""));
}

#[test]
fn malformed_keys_are_literal() {
    let tree = parse("a[b=1&[x]=2&c]d=3&e[f]g=4").unwrap();
    for key in ["a[b", "[x]", "c]d", "e[f]g"] {
        assert!(tree.contains_key(key), "{key}: {tree:?}");
    }
}

#[test]
fn conflicts_depth_and_count_are_errors() {
    let err = parse("a=1&a[b]=2").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::MalformedBody);
    assert!(err.message().contains("`a`"), "{}", err.message());
    assert_eq!(
        parse("a[b]=2&a=1").unwrap_err().kind(),
        ErrorKind::MalformedBody
    );
    assert_eq!(
        parse("a[]=1&a[b]=2").unwrap_err().kind(),
        ErrorKind::MalformedBody
    );

    let deep = format!("a{}=1", "[x]".repeat(MAX_DEPTH + 1));
    assert_eq!(parse(&deep).unwrap_err().kind(), ErrorKind::MalformedBody);
    let ok = format!("a{}=1", "[x]".repeat(MAX_DEPTH));
    assert!(parse(&ok).is_ok());

    let many: Vec<String> = (0..=MAX_PARAMS).map(|i| format!("k{i}=1")).collect();
    assert_eq!(
        parse(&many.join("&")).unwrap_err().kind(),
        ErrorKind::MalformedBody
    );
    assert!(parse(&many[..MAX_PARAMS].join("&")).is_ok());
}

#[test]
fn text_is_coerced_only_where_the_type_asks() {
    #[derive(Deserialize, Debug, PartialEq)]
    struct Inputs {
        count: u32,
        ratio: f64,
        on: bool,
        label: String,
        maybe: Option<i64>,
        list: Vec<u8>,
        one: Vec<String>,
    }
    let request = config()
        .decode_query::<Inputs>(
            "pluginSecret=s&claimId=123&count=7&ratio=0.5&on=true&label=123&maybe=-3\
             &list[]=1&list[]=2&one=x&createdAt=1800000000000&_isSimulation=false",
        )
        .unwrap();
    assert_eq!(
        request.inputs(),
        &Inputs {
            count: 7,
            ratio: 0.5,
            on: true,
            label: "123".into(),
            maybe: Some(-3),
            list: vec![1, 2],
            one: vec!["x".into()],
        }
    );
    // `claimId=123` stays text.
    assert_eq!(request.claim_id(), Some("123"));
    assert_eq!(request.context().created_at, Some(1_800_000_000_000));
    assert_eq!(request.context().simulation, Some(false));

    // Untyped inputs keep text.
    let raw = config()
        .decode_query::<RawInputs>("pluginSecret=s&n=5&b=true")
        .unwrap();
    assert_eq!(
        Value::Object(raw.into_inputs()),
        json!({"n": "5", "b": "true"})
    );
}

#[test]
fn coercion_failures_name_the_field_without_the_value() {
    #[derive(Deserialize, Debug)]
    #[allow(dead_code)]
    struct Inputs {
        count: u32,
    }
    for (query, field) in [
        ("pluginSecret=s&count=hunter2", "count"),
        ("pluginSecret=s&count=NaN", "count"),
        ("pluginSecret=s&count[]=1&count[]=2", "count"),
        ("pluginSecret=s&count=1&createdAt=hunter2", "createdAt"),
        (
            "pluginSecret=s&count=1&_isSimulation=yes-hunter2",
            "_isSimulation",
        ),
    ] {
        let err = config().decode_query::<Inputs>(query).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidField, "{query}");
        assert_eq!(err.field(), Some(field), "{query}");
        assert!(!err.message().contains("hunter2"), "{}", err.message());
    }
    let err = config()
        .decode_query::<Inputs>("pluginSecret=s")
        .unwrap_err();
    assert_eq!(err.message(), "invalid request: missing field `count`");
}

#[test]
fn secret_problems_in_queries() {
    let err = config().decode_query::<RawInputs>("code=1").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::MissingSecret);
    let err = config()
        .decode_query::<RawInputs>("pluginSecret=&code=1")
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::MissingSecret);
    let err = config()
        .decode_query::<RawInputs>("pluginSecret=t")
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidSecret);
    let err = config()
        .decode_query::<RawInputs>("pluginSecret=s&pluginSecret=s")
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidField);
    assert_eq!(err.field(), Some("pluginSecret"));
    let err = config()
        .decode_query::<RawInputs>("pluginSecret[a]=s")
        .unwrap_err();
    assert_eq!(err.field(), Some("pluginSecret"));
}

#[test]
fn enums_from_text_and_objects() {
    #[derive(Deserialize, Debug, PartialEq)]
    #[serde(rename_all = "lowercase")]
    enum Tier {
        Gold,
        Custom { level: u8 },
    }
    #[derive(Deserialize, Debug, PartialEq)]
    struct Inputs {
        a: Tier,
        b: Tier,
    }
    let request = config()
        .decode_query::<Inputs>("pluginSecret=s&a=gold&b[custom][level]=3")
        .unwrap();
    assert_eq!(request.inputs().a, Tier::Gold);
    assert_eq!(request.inputs().b, Tier::Custom { level: 3 });
}

fn key() -> impl Strategy<Value = String> {
    "k[a-z]{0,5}"
}

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        proptest::arbitrary::any::<String>().prop_map(Value::String),
        proptest::arbitrary::any::<u32>().prop_map(|n| Value::String(n.to_string())),
        Just(Value::String(String::new())),
    ]
}

/// Nested values as axios can send them: no nulls, no empty containers.
fn nested() -> impl Strategy<Value = Value> {
    scalar().prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 1..4).prop_map(Value::Array),
            prop::collection::btree_map(key(), inner, 1..4)
                .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

proptest! {
    #[test]
    fn axios_queries_decode_to_what_was_sent(
        inputs in prop::collection::btree_map(key(), nested(), 0..6)
    ) {
        let mut params: Map<String, Value> = inputs.clone().into_iter().collect();
        params.insert("pluginSecret".into(), Value::from("s"));
        let query = axios_query(&Value::Object(params));
        let request = config().decode_query::<RawInputs>(&query).unwrap();
        let expected: Map<String, Value> = inputs.into_iter().collect();
        prop_assert_eq!(request.into_inputs(), expected);
    }

    #[test]
    fn arbitrary_queries_never_panic(query in "[a-z\\[\\]=&%+0-9]{0,64}") {
        let _ = config().decode_query::<RawInputs>(&query);
    }
}
