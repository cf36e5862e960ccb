using FluentValidation;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.Web.Features.Campaigns;

/// <summary>What the campaign wizard produces: scope, reviewers, schedule and the rules for silence.</summary>
public sealed record CampaignDefinition
{
    public string Name { get; init; } = "";

    // Scope
    public List<int> ResourceIds { get; init; } = [];
    public List<EntitlementKind> EntitlementKinds { get; init; } = [];
    public List<IdentityKind> IdentityKinds { get; init; } = [];
    public ActivityFilter Activity { get; init; } = ActivityFilter.All;
    public int ActivityDays { get; init; } = 30;
    public List<string> Departments { get; init; } = [];
    public List<string> Roles { get; init; } = [];

    // Reviewers
    public ReviewerRule Reviewer { get; init; } = ReviewerRule.Manager;
    public List<int> NamedReviewerIds { get; init; } = [];
    public int? FallbackReviewerId { get; init; }
    public bool SecondStage { get; init; }
    public List<DecisionOutcome> SecondStageOutcomes { get; init; } = [DecisionOutcome.Keep];

    // Schedule and rules
    public DateTimeOffset DueAt { get; init; }
    public ReminderCadence Reminders { get; init; } = ReminderCadence.Standard;
    public UnreviewedOutcome UnreviewedOutcome { get; init; } = UnreviewedOutcome.NoChange;
    public List<DecisionOutcome> JustificationRequiredFor { get; init; } = [DecisionOutcome.Revoke, DecisionOutcome.Reduce, DecisionOutcome.Reassign];
    /// <summary>A keep that goes against a revoke/reduce recommendation must be explained.</summary>
    public bool JustifyKeepAgainstRecommendation { get; init; } = true;
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
            .MaximumLength(200);
        RuleFor(d => d.EntitlementKinds).NotEmpty().WithMessage("Pick at least one kind of entitlement to review.");
        RuleFor(d => d.IdentityKinds).NotEmpty().WithMessage("Pick people, non-human identities, or both.");
        RuleFor(d => d.ActivityDays).InclusiveBetween(1, 365).When(d => d.Activity != ActivityFilter.All)
            .WithMessage("The activity window must be between 1 and 365 days.");
        RuleFor(d => d.NamedReviewerIds).NotEmpty().When(d => d.Reviewer == ReviewerRule.Named)
            .WithMessage("Name at least one reviewer, or choose another reviewer rule.");
        RuleFor(d => d.FallbackReviewerId).NotNull()
            .WithMessage("A fallback reviewer is required: items whose reviewer cannot be resolved (or would review themselves) go there.");
        RuleFor(d => d.SecondStageOutcomes).NotEmpty().When(d => d.SecondStage)
            .WithMessage("Choose which first-stage outcomes go to the second stage.");
        RuleFor(d => d.DueAt).Must(due => due > time.GetUtcNow().AddDays(1))
            .WithMessage("The due date must be at least a day from now.")
            .Must(due => due < time.GetUtcNow().AddDays(366)).WithMessage("The due date must be within a year.");
    }
}
