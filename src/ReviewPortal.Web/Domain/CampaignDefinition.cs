using System.Text.Json;

namespace ReviewPortal.Web.Domain;

/// <summary>
/// What the campaign wizard produces: scope, reviewers, schedule and the rules for silence. Stored on its campaign as JSON
/// (<see cref="Campaign.Definition"/>, the <c>DefinitionJson</c> column) and read back typed, once per load.
/// </summary>
public sealed record CampaignDefinition
{
    /// <summary>Reads a stored definition; an unreadable one yields the defaults.</summary>
    public static CampaignDefinition FromJson(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<CampaignDefinition>(json) ?? new CampaignDefinition();
        }
        catch (JsonException)
        {
            return new CampaignDefinition();
        }
    }

    public static string ToJson(CampaignDefinition definition) => JsonSerializer.Serialize(definition);

    public string Name { get; set; } = "";

    // Scope
    public List<int> ResourceIds { get; set; } = [];
    public List<EntitlementKind> EntitlementKinds { get; set; } = [];
    public List<IdentityKind> IdentityKinds { get; set; } = [];
    public ActivityFilter Activity { get; set; } = ActivityFilter.All;
    public int ActivityDays { get; set; } = 30;
    public List<string> Departments { get; set; } = [];
    public List<string> Roles { get; set; } = [];

    // Reviewers
    public ReviewerRule Reviewer { get; set; } = ReviewerRule.Manager;
    public List<int> NamedReviewerIds { get; set; } = [];
    public int? FallbackReviewerId { get; set; }
    public bool SecondStage { get; set; }
    public List<DecisionOutcome> SecondStageOutcomes { get; set; } = [DecisionOutcome.Keep];

    // Schedule and rules
    public DateTimeOffset DueAt { get; set; }
    public ReminderCadence Reminders { get; set; } = ReminderCadence.Standard;
    public UnreviewedOutcome UnreviewedOutcome { get; set; } = UnreviewedOutcome.NoChange;
    public List<DecisionOutcome> JustificationRequiredFor { get; set; } = [DecisionOutcome.Revoke, DecisionOutcome.Reduce, DecisionOutcome.Reassign];
    /// <summary>A keep that goes against a revoke/reduce recommendation must be explained.</summary>
    public bool JustifyKeepAgainstRecommendation { get; set; } = true;
    /// <summary>
    /// Closes itself at <see cref="DueAt"/> (the rule for silence applied, removal tasks opened), with no admin's click. The
    /// wizard turns it on for new campaigns; false here so a definition stored before the option existed, and a lifecycle
    /// micro-review, keep waiting for an admin.
    /// </summary>
    public bool AutoClose { get; set; }
    /// <summary>After an automatic close, carry out the removal tasks at once (the remediation run follows the close), even where remediation is not on a schedule.</summary>
    public bool AutoApply { get; set; }

    /// <summary>
    /// Exception review: items that meet every condition turned on here are kept by the system at launch, and reviewers see
    /// the rest (the exceptions) first. Null, or no condition on, keeps nothing.
    /// </summary>
    public AutoKeepPolicy? AutoKeep { get; set; }

    /// <summary>Set on micro-reviews the lifecycle job opens (a <see cref="Domain.LifecycleRule"/> key); null for launched campaigns.</summary>
    public string? LifecycleRule { get; set; }
}

/// <summary>
/// The campaign's auto-keep conditions, each on or off; an item is auto-kept when it meets all that are on (and at least one
/// is on). Read from the item's launch evidence (<c>ItemEvidence</c>), never recomputed.
/// </summary>
public sealed record AutoKeepPolicy
{
    public const int WindowDays = 30;

    /// <summary>Used on at least <see cref="MinActiveDays"/> of the last 30 days.</summary>
    public bool RequireActiveDays { get; set; } = true;
    public int MinActiveDays { get; set; } = 15;
    /// <summary>Within the peers' range: activity at most <see cref="MaxPeerRatio"/> times the peers' median, or no peers to compare with.</summary>
    public bool RequireWithinPeers { get; set; } = true;
    public double MaxPeerRatio { get; set; } = 2;
    public bool RequireNotPrivileged { get; set; } = true;
    /// <summary>The holder is employed and, for a key or other non-human identity, so is its owner.</summary>
    public bool RequireOwnerEmployed { get; set; } = true;
    /// <summary>The grant was provisioned by an approved access request.</summary>
    public bool RequireApprovedRequest { get; set; }

    public bool AnyCondition => RequireActiveDays || RequireWithinPeers || RequireNotPrivileged || RequireOwnerEmployed || RequireApprovedRequest;
}

public enum ActivityFilter
{
    All,
    ActiveWithin,
    DormantAtLeast,
    NewGrantsWithin,
}

public enum ReviewerRule
{
    Manager,
    ResourceOwner,
    NhiOwner,
    Named,
}

/// <summary>At launch, weekly, 3 and 1 days before due, on the due date, daily when overdue (the email feature reads it).</summary>
public enum ReminderCadence
{
    Standard,
    LaunchAndDueOnly,
    None,
}
