//! The least-privilege scope set that covers several operations.
//!
//! Each operation needs one of its alternative scope sets, all scopes of that set. Choosing
//! the smallest union is set cover, NP-hard in general; the specs make it easy in practice
//! because almost every operation has a single set per family. The algorithm:
//!
//! 1. every scope of an operation with exactly one set is required;
//! 2. an operation with several sets is satisfied when one set is already inside the chosen
//!    scopes; otherwise, greedily, the set that adds the fewest new scopes is taken (ties: the
//!    first set the spec lists), and step 2 repeats until every operation is satisfied.
//!
//! The result is minimal whenever no operation has several sets of the family (every
//! operation of today's specs), and otherwise at most greedy's usual bound away from it.
use std::collections::BTreeSet;

use super::{Family, Operation};

/// The scopes chosen for one family, and which operations that family cannot authorize.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Cover {
    /// Sorted, without duplicates.
    pub scopes: Vec<&'static str>,
    /// Indices (into the input) of operations no scope of this family authorizes.
    pub uncovered: Vec<usize>,
}

/// The smallest scope set of `family` found that authorizes every operation it can.
pub fn least_privilege(ops: &[&Operation], family: Family) -> Cover {
    let mut chosen: BTreeSet<&'static str> = BTreeSet::new();
    let mut uncovered = Vec::new();
    let mut open: Vec<&[Vec<&'static str>]> = Vec::new();
    for (i, op) in ops.iter().enumerate() {
        if op.no_scope_needed {
            continue;
        }
        match op.scopes(family) {
            [] => uncovered.push(i),
            [single] => chosen.extend(single.iter().copied()),
            several => open.push(several),
        }
    }
    loop {
        open.retain(|sets| {
            !sets
                .iter()
                .any(|set| set.iter().all(|s| chosen.contains(s)))
        });
        let best = open
            .iter()
            .flat_map(|sets| sets.iter())
            .min_by_key(|set| set.iter().filter(|s| !chosen.contains(*s)).count());
        match best {
            Some(set) => chosen.extend(set.iter().copied()),
            None => break,
        }
    }
    Cover {
        scopes: chosen.into_iter().collect(),
        uncovered,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scopes::lookup;

    fn op(method: &str, path: &str) -> &'static Operation {
        lookup(method, path).unwrap().operation
    }

    #[test]
    fn classic_and_granular_are_separate() {
        let ops = [
            op("GET", "/rest/api/3/issue/A-1"),
            op("POST", "/rest/api/3/issue"),
            op("GET", "/rest/api/3/myself"),
            op("GET", "/wiki/api/v2/pages/1"),
        ];
        let classic = least_privilege(&ops, Family::Classic);
        assert_eq!(
            classic.scopes,
            vec!["read:jira-user", "read:jira-work", "write:jira-work"]
        );
        assert_eq!(classic.uncovered, vec![3]);
        let granular = least_privilege(&ops, Family::Granular);
        assert!(granular.scopes.contains(&"read:page:confluence"));
        assert!(granular.uncovered.is_empty());
    }

    fn synthetic(granular: Vec<Vec<&'static str>>) -> Operation {
        Operation {
            granular,
            ..op("GET", "/rest/api/3/myself").clone()
        }
    }

    #[test]
    fn alternatives_prefer_what_is_already_chosen() {
        // No operation of today's specs has two sets of one family; the specs allow it.
        let a = synthetic(vec![vec!["x:a:jira"], vec!["x:b:jira", "x:c:jira"]]);
        let b = synthetic(vec![vec!["x:b:jira", "x:c:jira"]]);
        let cover = least_privilege(&[&a, &b], Family::Granular);
        assert_eq!(cover.scopes, vec!["x:b:jira", "x:c:jira"]);
        let cheapest = least_privilege(&[&a], Family::Granular);
        assert_eq!(cheapest.scopes, vec!["x:a:jira"]);
    }

    #[test]
    fn no_scope_needed_is_not_uncovered() {
        let info = op("GET", "/rest/servicedeskapi/info");
        assert!(info.no_scope_needed);
        let cover = least_privilege(&[info], Family::Classic);
        assert!(cover.scopes.is_empty() && cover.uncovered.is_empty());
    }
}
