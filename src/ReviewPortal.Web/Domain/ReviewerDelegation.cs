namespace ReviewPortal.Web.Domain;

/// <summary>
/// A reviewer's out-of-office delegate for a period of whole days (UTC, both ends included). While it is in force the
/// reviewer's new review items are assigned to the delegate at launch, and their undecided items in open campaigns are
/// handed over to the delegate, so the delegate decides them as the assigned reviewer. One per reviewer: setting another
/// replaces it, clearing deletes it (the audit ledger keeps the history).
/// </summary>
public class ReviewerDelegation
{
    /// <summary>How long one absence may be delegated for, in days.</summary>
    public const int MaxDays = 90;

    public int Id { get; set; }
    public int ReviewerId { get; set; }
    public Identity Reviewer { get; set; } = null!;
    public int DelegateId { get; set; }
    public Identity Delegate { get; set; } = null!;
    /// <summary>First day away (UTC).</summary>
    public DateOnly From { get; set; }
    /// <summary>Last day away (UTC), included.</summary>
    public DateOnly Until { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    public bool InForceOn(DateOnly day) => From <= day && day <= Until;
}
