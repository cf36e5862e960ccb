using FluentValidation;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.Web.Features.Campaigns;

/// <summary>What the campaign wizard produces: scope, reviewers, schedule and the rules for silence.</summary>
public sealed record CampaignDefinition
{
    /// <summary>Reads the definition stored on a campaign; an unreadable one yields the defaults.</summary>
    public static CampaignDefinition FromJson(string json)
    {
        try
        {
            return System.Text.Json.JsonSerializer.Deserialize<CampaignDefinition>(json) ?? new CampaignDefinition();
        }
        catch (System.Text.Json.JsonException)
        {
            return new CampaignDefinition();
        }
    }

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

    /// <summary>Set on micro-reviews the lifecycle job opens (a <see cref="Domain.LifecycleRule"/> key); null for launched campaigns.</summary>
    public string? LifecycleRule { get; set; }
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

public sealed class CampaignDefinitionValidator : AbstractValidator<CampaignDefinition>
{
    public CampaignDefinitionValidator(TimeProvider time)
    {
        RuleFor(d => d.Name).NotEmpty().WithMessage("Give the campaign a name reviewers will recognise.")
            .MaximumLength(MaxLengths.Campaign.Name).WithMessage("Keep the name to {MaxLength} characters; this one has {TotalLength}.");
        RuleFor(d => d.EntitlementKinds).NotEmpty().WithMessage("Pick at least one kind of entitlement to review.");
        RuleFor(d => d.IdentityKinds).NotEmpty().WithMessage("Pick people, non-human identities, or both.");
        RuleFor(d => d.ActivityDays).InclusiveBetween(1, 365).When(d => d.Activity != ActivityFilter.All)
            .WithMessage("The activity window must be between 1 and 365 days.");
        RuleFor(d => d.NamedReviewerIds).NotEmpty().When(d => d.Reviewer == ReviewerRule.Named)
            .WithMessage("Name at least one reviewer, or choose another reviewer rule.");
        RuleFor(d => d.FallbackReviewerId).NotNull()
            .WithMessage("A fallback reviewer is required: items whose reviewer cannot be resolved (or would review themselves) go there. Choose one, or set a default under Setup → Defaults.");
        RuleFor(d => d.SecondStageOutcomes).NotEmpty().When(d => d.SecondStage)
            .WithMessage("Choose which first-stage outcomes go to the second stage.");
        RuleFor(d => d.DueAt).Must(due => due > time.GetUtcNow().AddDays(1))
            .WithMessage("The due date must be at least a day from now.")
            .Must(due => due < time.GetUtcNow().AddDays(366)).WithMessage("The due date must be within a year.");
    }
}
