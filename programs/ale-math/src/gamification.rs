//! Levels, streaks and badges: derived from a member's ledger record, so the chain and
//! the client agree on them.

/// Badge bits of a ledger entry.
pub const BADGE_FIRST_TASK: u32 = 1 << 0;
pub const BADGE_HUNDRED_TASKS: u32 = 1 << 1;
/// At least 90% of decided tasks won over at least 50 tasks.
pub const BADGE_ACCURATE: u32 = 1 << 2;
/// Joined by graduation (reputation elsewhere) or by passing a qualification.
pub const BADGE_GRADUATE: u32 = 1 << 3;
/// A streak of 7 active days.
pub const BADGE_WEEK_STREAK: u32 = 1 << 4;

/// Level from reputation (XP): 1 below 10, then one more each time reputation passes
/// 10 x (2^n - 1): 10, 30, 70, 150, ...
pub fn level(reputation: u64) -> u8 {
    (64 - (reputation / 10 + 1).leading_zeros()) as u8
}

const SECONDS_PER_DAY: u64 = 86_400;

/// Days since the Unix epoch of a cluster timestamp (0 before it). Unsigned division:
/// SBPF v0 has no signed one.
pub fn unix_day(unix_timestamp: i64) -> u32 {
    let days = u64::try_from(unix_timestamp).unwrap_or(0) / SECONDS_PER_DAY;
    u32::try_from(days).unwrap_or(u32::MAX)
}

/// The streak after activity on `today` (days since the epoch), given the last active
/// day and the current streak.
pub fn streak_after(last_active_day: u32, streak: u16, today: u32) -> u16 {
    if streak > 0 && last_active_day == today {
        streak
    } else if streak > 0 && last_active_day.checked_add(1) == Some(today) {
        streak.saturating_add(1)
    } else {
        1
    }
}

/// Badges earned by a record (never taken away: callers OR them in).
pub fn badges_earned(tasks_done: u32, tasks_won: u32, streak_days: u16) -> u32 {
    let mut badges = 0;
    if tasks_done >= 1 {
        badges |= BADGE_FIRST_TASK;
    }
    if tasks_done >= 100 {
        badges |= BADGE_HUNDRED_TASKS;
    }
    if tasks_done >= 50 && (tasks_won as u64) * 10 >= (tasks_done as u64) * 9 {
        badges |= BADGE_ACCURATE;
    }
    if streak_days >= 7 {
        badges |= BADGE_WEEK_STREAK;
    }
    badges
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_double_their_thresholds() {
        assert_eq!(
            [
                level(0),
                level(9),
                level(10),
                level(29),
                level(30),
                level(70),
                level(u64::MAX)
            ],
            [1, 1, 2, 2, 3, 4, 61]
        );
    }

    #[test]
    fn unix_days_count_from_the_epoch() {
        assert_eq!(unix_day(-1), 0);
        assert_eq!(unix_day(86_399), 0);
        assert_eq!(unix_day(86_400), 1);
        assert_eq!(unix_day(1_780_000_000), 20_601);
    }

    #[test]
    fn streaks_count_consecutive_days() {
        assert_eq!(streak_after(0, 0, 100), 1);
        assert_eq!(streak_after(100, 1, 100), 1);
        assert_eq!(streak_after(100, 1, 101), 2);
        assert_eq!(streak_after(100, 5, 103), 1);
        assert_eq!(streak_after(u32::MAX, 3, 0), 1);
    }

    #[test]
    fn badges_follow_the_record() {
        assert_eq!(badges_earned(0, 0, 0), 0);
        assert_eq!(badges_earned(1, 0, 1), BADGE_FIRST_TASK);
        assert_eq!(
            badges_earned(100, 90, 7),
            BADGE_FIRST_TASK | BADGE_HUNDRED_TASKS | BADGE_ACCURATE | BADGE_WEEK_STREAK
        );
        assert_eq!(badges_earned(100, 89, 0) & BADGE_ACCURATE, 0);
    }
}
