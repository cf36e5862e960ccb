using FluentValidation;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.Web.Features.Campaigns;

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
        // The exception policy's conditions, by their nested names ("AutoKeep.MinActiveDays"): the wizard's fields bind to them.
        RuleFor(d => d.AutoKeep!.MinActiveDays).InclusiveBetween(1, AutoKeepPolicy.WindowDays)
            .When(d => d.AutoKeep is { RequireActiveDays: true })
            .WithMessage($"Days used must be between 1 and {AutoKeepPolicy.WindowDays} (the evidence covers the last {AutoKeepPolicy.WindowDays} days).");
        RuleFor(d => d.AutoKeep!.MaxPeerRatio).InclusiveBetween(1, 100)
            .When(d => d.AutoKeep is { RequireWithinPeers: true })
            .WithMessage("The peer bound must be between 1 and 100 times the peers' median activity.");
        RuleFor(d => d.AutoKeep).Must(p => p is null || p.AnyCondition)
            .WithMessage("Turn on at least one auto-keep condition, or turn auto-keep off.");
    }
}
