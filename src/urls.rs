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
            return concat(&self.base_path, to);
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
        concat(&self.base_url, to)
    }
}

/// `a` then `b`, in one allocation (a link is made for every one on every page, and
/// `format!` costs ten times as much).
fn concat(a: &str, b: &str) -> String {
    let mut s = String::with_capacity(a.len() + b.len());
    s.push_str(a);
    s.push_str(b);
    s
}

/// Site paths of OUTPUT.md, relative to the root, pages ending in `/`.
pub mod path {
    pub fn bulletin(slug: &str) -> String {
        folder("bai-viet/", slug)
    }
    pub fn locality(id: &str) -> String {
        folder("dia-phuong/", id)
    }
    pub fn locality_term(id: &str, term: &str) -> String {
        let mut s = folder("dia-phuong/", id);
        s.push_str(term);
        s.push('/');
        s
    }
    pub fn term(id: &str) -> String {
        folder("nhiem-ky/", id)
    }
    pub fn indicator(id: &str) -> String {
        folder("chi-tieu/", id)
    }
    pub fn topic(slug: &str) -> String {
        folder("chu-de/", slug)
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
    /// `prefix`, `name` and a slash (without `format!`, which costs ten times as much).
    fn folder(prefix: &str, name: &str) -> String {
        let mut s = String::with_capacity(prefix.len() + name.len() + 1);
        s.push_str(prefix);
        s.push_str(name);
        s.push('/');
        s
    }
    pub const LOCALITIES: &str = "dia-phuong/";
    pub const TERMS: &str = "nhiem-ky/";
    pub const INDICATORS: &str = "chi-tieu/";
    pub const TOPICS: &str = "chu-de/";
    pub const SEARCH: &str = "tim-kiem/";
    /// Drafts waiting for review, only in a build with drafts (`serve --drafts`).
    pub const DRAFTS: &str = "nhap/";
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
