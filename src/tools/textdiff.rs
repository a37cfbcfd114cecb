//! A unified diff of two texts, line by line (`snowcat diff --text`, the demo, the MCP change texts): a
//! longest common subsequence over lines, printed as `@@ -a,b +c,d @@` hunks with three lines of context.
//!
//! Written here rather than taken from a crate: definitions are a few hundred lines at most, and the
//! quadratic LCS (capped, see `MAX_CELLS`) is 60 lines, against a new dependency for one output format.

/// Above this many (before x after) line pairs the texts are shown as all removed then all added.
const MAX_CELLS: usize = 4_000_000;
const CONTEXT: usize = 3;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Same,
    Del,
    Add,
}

/// The edit script turning `a` into `b`: (op, line index in a or b).
fn script(a: &[&str], b: &[&str]) -> Vec<(Op, usize)> {
    let (n, m) = (a.len(), b.len());
    if n.saturating_mul(m) > MAX_CELLS {
        return (0..n).map(|i| (Op::Del, i)).chain((0..m).map(|j| (Op::Add, j))).collect();
    }
    // lcs[i][j] = LCS length of a[i..] and b[j..].
    let mut lcs = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if a[i] == b[j] { lcs[i + 1][j + 1] + 1 } else { lcs[i + 1][j].max(lcs[i][j + 1]) };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while i < n || j < m {
        if i < n && j < m && a[i] == b[j] {
            out.push((Op::Same, i));
            i += 1;
            j += 1;
        } else if i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1]) {
            out.push((Op::Del, i));
            i += 1;
        } else {
            out.push((Op::Add, j));
            j += 1;
        }
    }
    out
}

/// `before` and `after` as a unified diff (no `---`/`+++` header), or an empty string when equal.
pub fn unified(before: &str, after: &str) -> String {
    let a: Vec<&str> = before.lines().collect();
    let b: Vec<&str> = after.lines().collect();
    let ops = script(&a, &b);
    // Line numbers (1-based) in a and b at each op.
    let mut pos = Vec::with_capacity(ops.len());
    let (mut ia, mut ib) = (0usize, 0usize);
    for (op, _) in &ops {
        pos.push((ia, ib));
        match op {
            Op::Same => {
                ia += 1;
                ib += 1;
            }
            Op::Del => ia += 1,
            Op::Add => ib += 1,
        }
    }
    let changed: Vec<usize> = (0..ops.len()).filter(|k| ops[*k].0 != Op::Same).collect();
    let mut out = String::new();
    let mut k = 0;
    while k < changed.len() {
        let start = changed[k].saturating_sub(CONTEXT);
        let mut end = changed[k];
        while k < changed.len() && changed[k] <= end + 2 * CONTEXT {
            end = changed[k];
            k += 1;
        }
        let end = (end + CONTEXT + 1).min(ops.len());
        let (a0, b0) = pos[start];
        let count = |op: Op| ops[start..end].iter().filter(|(o, _)| *o == Op::Same || *o == op).count();
        let (la, lb) = (count(Op::Del), count(Op::Add));
        out.push_str(&format!(
            "@@ -{},{la} +{},{lb} @@\n",
            a0 + usize::from(la > 0),
            b0 + usize::from(lb > 0)
        ));
        for (op, idx) in &ops[start..end] {
            let (mark, line) = match op {
                Op::Same => (' ', a[*idx]),
                Op::Del => ('-', a[*idx]),
                Op::Add => ('+', b[*idx]),
            };
            out.push(mark);
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::unified;

    #[test]
    fn one_changed_line_with_context() {
        let before = "SELECT ID,\n  EMAIL\nFROM C\nWHERE A";
        let after = "SELECT ID,\n  EMAIL\nFROM C\nWHERE A AND B";
        assert_eq!(
            unified(before, after),
            "@@ -1,4 +1,4 @@\n SELECT ID,\n   EMAIL\n FROM C\n-WHERE A\n+WHERE A AND B\n"
        );
        assert_eq!(unified("same\n", "same\n"), "");
        assert_eq!(unified("", "new"), "@@ -0,0 +1,1 @@\n+new\n");
    }

    #[test]
    fn distant_changes_make_separate_hunks() {
        let a: Vec<String> = (0..20).map(|i| format!("l{i}")).collect();
        let mut b = a.clone();
        b[1] = "x1".into();
        b[18] = "x18".into();
        let d = unified(&a.join("\n"), &b.join("\n"));
        assert_eq!(d.matches("@@ -").count(), 2, "{d}");
        assert!(d.contains("-l1\n+x1\n") && d.contains("-l18\n+x18\n"), "{d}");
    }
}
