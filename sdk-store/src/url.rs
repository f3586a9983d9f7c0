//! Store URLs: the options of this crate they carry, and a form of them
//! fit for a log.

/// `url` without its query parameter `name`, and that parameter's value.
pub(crate) fn take_param(url: &str, name: &str) -> (String, Option<String>) {
    let Some((base, query)) = url.split_once('?') else {
        return (url.to_owned(), None);
    };
    let mut value = None;
    let rest: Vec<&str> = query
        .split('&')
        .filter(|pair| match pair.split_once('=') {
            Some((key, v)) if key == name => {
                value = Some(v.to_owned());
                false
            }
            _ => !pair.is_empty(),
        })
        .collect();
    if rest.is_empty() {
        (base.to_owned(), value)
    } else {
        (format!("{base}?{}", rest.join("&")), value)
    }
}

/// `url` with its password, if any, replaced by `***`: what a log may show.
pub(crate) fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let Some((userinfo, host)) = authority.rsplit_once('@') else {
        return url.to_owned();
    };
    match userinfo.split_once(':') {
        Some((user, _password)) => format!("{scheme}://{user}:***@{host}{tail}"),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_are_taken_out() {
        assert_eq!(
            take_param("postgres://h/db?schema=a&sslmode=disable", "schema"),
            (
                "postgres://h/db?sslmode=disable".to_owned(),
                Some("a".to_owned())
            )
        );
        assert_eq!(
            take_param("redis://h/?prefix=p", "prefix"),
            ("redis://h/".to_owned(), Some("p".to_owned()))
        );
        assert_eq!(
            take_param("redis://h/", "prefix"),
            ("redis://h/".to_owned(), None)
        );
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact("postgres://app:s3cr%40t@db:5432/app?x=1"),
            "postgres://app:***@db:5432/app?x=1"
        );
        assert_eq!(redact("redis://:hunter2@cache/0"), "redis://:***@cache/0");
        assert_eq!(redact("redis://cache:6379"), "redis://cache:6379");
        assert_eq!(redact("postgres://app@db/app"), "postgres://app@db/app");
    }
}
