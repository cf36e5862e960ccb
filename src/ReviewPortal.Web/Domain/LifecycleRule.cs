namespace ReviewPortal.Web.Domain;

/// <summary>
/// An admin-configured lifecycle rule (issue #7): when enabled, the hourly job opens micro-reviews for
/// what it finds. Keyed by a stable string; a missing row means "off, with the defaults".
/// </summary>
public class LifecycleRule
{
    /// <summary>A departed person's API keys, service accounts and agents go to their manager for an ownership decision.</summary>
    public const string DepartedOwner = "departed-owner";
    /// <summary>API keys with no activity for <see cref="DormantDays"/> get a deactivation proposal.</summary>
    public const string DormantKeys = "dormant-keys";

    public const int DefaultDormantDays = 45;
    public const int DefaultReviewDays = 14;

    public static readonly IReadOnlyList<string> Keys = [DepartedOwner, DormantKeys];

    public required string Key { get; set; }
    public bool Enabled { get; set; }
    /// <summary>Only read by <see cref="DormantKeys"/> (and by departed-owner, to recommend revoking a key that is also dormant).</summary>
    public int DormantDays { get; set; } = DefaultDormantDays;
    /// <summary>Micro-reviews are due this many days after they open.</summary>
    public int ReviewDays { get; set; } = DefaultReviewDays;
    public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>The admin who last saved the rule: micro-reviews are created in their name and fall to them when nobody else can decide.</summary>
    public int? UpdatedById { get; set; }

    // What the last run did, for the settings page.
    public DateTimeOffset? LastRunAt { get; set; }
    public int LastRunOpened { get; set; }
    public int? LastCampaignId { get; set; }

    public static LifecycleRule Default(string key) => new() { Key = key };
}
