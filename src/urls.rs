//! Addresses of the published archive: the paths of OUTPUT.md, and links between pages that
//! are root-relative (`/luu-tru/chi-tieu/x/`) or, with `relative_urls`, relative to the page
//! that holds them and ending in `index.html`, so that the output opens from `file://`.

/// How links are written.
#[derive(Debug, Clone)]
pub struct Urls {
    /// `https://example.org/luu-tru/`
    pub base_url: String,
    /// `/luu-tru/`
    pub base_path: String,
    pub relative: bool,
}

impl Urls {
    pub fn new(base_url: &str, relative: bool) -> Self {
        let base_url = if base_url.ends_with('/') {
            base_url.to_string()
        } else {
            format!("{base_url}/")
        };
        let after_scheme = base_url
            .split_once("://")
            .map_or(base_url.as_str(), |(_, r)| r);
        let base_path = match after_scheme.find('/') {
            Some(i) => after_scheme[i..].to_string(),
            None => "/".to_string(),
        };
        Urls {
            base_url,
            base_path,
            relative,
        }
    }

    /// A link from the page at `from` to the site path `to` (both relative to the site root,
    /// pages ending in `/`, files not).
    pub fn href(&self, from: &str, to: &str) -> String {
        if !self.relative {
            return format!("{}{}", self.base_path, to);
        }
        let depth = from.matches('/').count();
        let mut s = "../".repeat(depth);
        s.push_str(to);
        if to.is_empty() || to.ends_with('/') {
            s.push_str("index.html");
        }
        s
    }

    /// The absolute address of a site path, for feeds, sitemaps and data files.
    pub fn absolute(&self, to: &str) -> String {
        format!("{}{}", self.base_url, to)
    }
}

/// Site paths of OUTPUT.md, relative to the root, pages ending in `/`.
pub mod path {
    pub fn bulletin(slug: &str) -> String {
        format!("bai-viet/{slug}/")
    }
    pub fn locality(id: &str) -> String {
        format!("dia-phuong/{id}/")
    }
    pub fn locality_term(id: &str, term: &str) -> String {
        format!("dia-phuong/{id}/{term}/")
    }
    pub fn term(id: &str) -> String {
        format!("nhiem-ky/{id}/")
    }
    pub fn indicator(id: &str) -> String {
        format!("chi-tieu/{id}/")
    }
    pub fn topic(slug: &str) -> String {
        format!("chu-de/{slug}/")
    }
    pub fn year(y: i32) -> String {
        format!("nam/{y}/")
    }
    /// Page `n` (1-based) of a list at `list`.
    pub fn page(list: &str, n: usize) -> String {
        if n <= 1 {
            list.to_string()
        } else {
            format!("{list}trang/{n}/")
        }
    }
    pub const LOCALITIES: &str = "dia-phuong/";
    pub const TERMS: &str = "nhiem-ky/";
    pub const INDICATORS: &str = "chi-tieu/";
    pub const TOPICS: &str = "chu-de/";
    pub const SEARCH: &str = "tim-kiem/";
    pub const DATA_CSV: &str = "du-lieu/chi-tieu.csv";
    pub const DATA_JSON: &str = "du-lieu/chi-tieu.json";
    pub const DATA_PACKAGE: &str = "du-lieu/datapackage.json";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_relative_links_carry_the_sub_path() {
        let u = Urls::new("https://example.org/luu-tru/", false);
        assert_eq!(u.base_path, "/luu-tru/");
        assert_eq!(u.href("bai-viet/a/", "chi-tieu/x/"), "/luu-tru/chi-tieu/x/");
        assert_eq!(
            u.absolute("atom.xml"),
            "https://example.org/luu-tru/atom.xml"
        );
        assert_eq!(Urls::new("https://example.org", false).base_path, "/");
    }

    #[test]
    fn relative_links_open_from_disk() {
        let u = Urls::new("https://example.org/luu-tru/", true);
        assert_eq!(
            u.href("bai-viet/a/", "chi-tieu/x/"),
            "../../chi-tieu/x/index.html"
        );
        assert_eq!(u.href("", ""), "index.html");
        assert_eq!(u.href("dia-phuong/a/b/", "style.css"), "../../../style.css");
        assert_eq!(u.href("404.html", "style.css"), "style.css");
    }
}
