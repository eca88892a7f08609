use super::*;
use crate::category::sorted_order;
use crate::helper::ListsDecider;
use crate::matcher::MatcherBuilder;
use std::cell::RefCell;
use std::io::Cursor;
use std::rc::Rc;

fn engine(domains: &[(&str, &str)]) -> Engine {
    let mut b = MatcherBuilder::default();
    for (cat, host) in domains {
        let id = b.category(cat).unwrap();
        b.add_domain(id, host.as_bytes());
    }
    let matcher = b.build();
    let decider = ListsDecider::new(matcher.categories(), sorted_order(matcher.categories()));
    Engine {
        matcher,
        decider: Box::new(decider),
    }
}

fn options(protocol: Protocol) -> HelperOptions {
    HelperOptions {
        protocol,
        block_url: BlockUrl::parse("http://block.example/?c={category}&u={url}").unwrap(),
    }
}

fn run(protocol: Protocol, input: &str, shared: &Shared) -> (String, HelperStats) {
    let mut out = Vec::new();
    let stats = serve(
        Cursor::new(input.as_bytes().to_vec()),
        &mut out,
        shared,
        &options(protocol),
        &|| 0,
    )
    .unwrap();
    (String::from_utf8(out).unwrap(), stats)
}

#[test]
fn answers_every_line_in_order_with_channels_echoed() {
    let shared = Shared::new(engine(&[
        ("gambling", "bet.example"),
        ("adult", "x.example"),
    ]));
    let input = "0 http://www.bet.example/a 10.0.0.1/- - GET\n\
                 12 http://ok.example/ 10.0.0.1/- - GET\n\
                 007 x.example:443 10.0.0.1/- u1 CONNECT\n\
                 \n\
                 5 http:///nohost\n\
                 http://x.example/last";
    let (out, stats) = run(Protocol::Rewrite, input, &shared);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines,
        [
            "0 OK status=302 url=\"http://block.example/?c=gambling&u=http%3A%2F%2Fwww.bet.example%2Fa\" cat=gambling",
            "12 ERR",
            "007 OK status=302 url=\"http://block.example/?c=adult&u=x.example%3A443\" cat=adult",
            "BH message=\"empty request: expected a URL\"",
            "5 BH message=\"no host name in the URL\"",
            "OK status=302 url=\"http://block.example/?c=adult&u=http%3A%2F%2Fx.example%2Flast\" cat=adult",
        ]
    );
    assert_eq!(
        stats,
        HelperStats {
            requests: 6,
            blocked: 3,
            unreadable: 2
        }
    );
}

#[test]
fn acl_protocol_matches_blocked_requests() {
    let shared = Shared::new(engine(&[("webmail", "mail.example")]));
    let (out, _) = run(
        Protocol::Acl,
        "10.0.0.1 ada http://mail.example/inbox\n1 10.0.0.1 - http://news.example/\n",
        &shared,
    );
    assert_eq!(
        out,
        "OK tag=webmail log=webmail message=\"Blocked: webmail\" cat=webmail\n1 ERR\n"
    );
}

/// A reader that hands over one line per read, and checks that the answer to every line it
/// handed over before has been written: what Squid sees when it waits for each reply.
struct LockStep {
    lines: Vec<Vec<u8>>,
    given: usize,
    written: Rc<RefCell<Vec<u8>>>,
    on_read: Box<dyn FnMut(usize)>,
}

impl Read for LockStep {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let answered = self
            .written
            .borrow()
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        assert_eq!(answered, self.given, "a reply was held back");
        (self.on_read)(self.given);
        let Some(line) = self.lines.get(self.given) else {
            return Ok(0);
        };
        buf[..line.len()].copy_from_slice(line);
        self.given += 1;
        Ok(line.len())
    }
}

struct Shared2(Rc<RefCell<Vec<u8>>>);

impl Write for Shared2 {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn replies_go_out_as_soon_as_input_is_drained_and_reloads_take_effect() {
    let shared = Rc::new(Shared::new(engine(&[("games", "play.example")])));
    let written = Rc::new(RefCell::new(Vec::new()));
    let swap = shared.clone();
    let input = LockStep {
        lines: (0..4)
            .map(|i| format!("{i} http://play.example/ 10.0.0.1/- - GET\n").into_bytes())
            .collect(),
        given: 0,
        written: written.clone(),
        on_read: Box::new(move |given| {
            if given == 2 {
                swap.replace(engine(&[("games", "other.example")]));
            }
        }),
    };
    serve(
        input,
        Shared2(written.clone()),
        &shared,
        &options(Protocol::Rewrite),
        &|| 0,
    )
    .unwrap();
    let out = String::from_utf8(written.borrow().clone()).unwrap();
    let verdicts: Vec<&str> = out.lines().map(|l| l.split(' ').nth(1).unwrap()).collect();
    assert_eq!(verdicts, ["OK", "OK", "ERR", "ERR"]);
}

#[test]
fn an_over_long_line_is_refused_and_skipped() {
    let shared = Shared::new(engine(&[("games", "play.example")]));
    let long = format!("http://play.example/{}\n", "a".repeat(MAX_REQUEST + 10));
    let input = format!("{long}1 http://play.example/\n");
    let (out, stats) = run(Protocol::Rewrite, &input, &shared);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out:.200}");
    assert_eq!(lines[0], "BH message=\"request line too long\"");
    assert!(lines[1].starts_with("1 OK status=302"));
    assert_eq!(stats.unreadable, 1);
}
