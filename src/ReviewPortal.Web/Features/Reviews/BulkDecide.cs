using FluentValidation;
using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Web.Features.Reviews;

/// <summary>
/// One decision over a selection (one justification for all), or "accept recommendations" over
/// the reviewer's undecided items. Every item goes through the same rules as a single decision;
/// items the viewer may not decide are skipped and counted, never silently changed. One unit of work:
/// refused as a whole only when nothing could be tried (a bulk reassignment, invalid input, or a
/// conflict or busy ledger that rolled the unit back).
/// </summary>
public sealed class BulkDecide(IDbContextFactory<ReviewPortalDbContext> contexts, DecideReviewItem single, IValidator<BulkDecide.Command> validator)
{
    public sealed record Command(IReadOnlyList<long> ItemIds, DecisionOutcome Outcome, string? Justification);

    /// <summary>What a single decision's validator checks of the one justification; the per-item rules run per item.</summary>
    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator() => RuleFor(c => c.Justification).MaximumLength(MaxLengths.ReviewDecision.Justification)
            .WithMessage(DecideReviewItem.Validator.JustificationTooLong);
    }

    public async Task<Result<BulkResult>> HandleAsync(Viewer viewer, Command command, string correlationId, CancellationToken cancellationToken = default)
    {
        if (command.Outcome == DecisionOutcome.Reassign)
        {
            return Refusal.Invalid("Reassign items one at a time, with a reason for each.");
        }
        var validation = await validator.ValidateAsync(command, cancellationToken);
        if (!validation.IsValid)
        {
            return validation.ToRefusal();
        }
        var ids = command.ItemIds.Distinct().ToList();
        return await DecideAsync(viewer, db => db.ReviewItems.Where(i => ids.Contains(i.Id)), _ => (command.Outcome, command.Justification),
            correlationId, cancellationToken, requested: ids.Count);
    }

    /// <summary>Keep/revoke/reduce as recommended; "look closer" items stay for a human.</summary>
    public Task<Result<BulkResult>> AcceptRecommendationsAsync(Viewer viewer, int? campaignId, string correlationId, CancellationToken cancellationToken = default)
    {
        var me = viewer.IdentityId ?? -1;
        return DecideAsync(viewer,
            db => db.ReviewItems.Where(i => i.ReviewerId == me && i.Outcome == null && i.Recommendation != Recommendation.LookCloser
                && i.Campaign.Status == CampaignStatus.Active && (campaignId == null || i.CampaignId == campaignId)),
            item => (item.Recommendation switch
            {
                Recommendation.Revoke => DecisionOutcome.Revoke,
                Recommendation.Reduce => DecisionOutcome.Reduce,
                _ => DecisionOutcome.Keep,
            }, $"Accepted the recommendation: {item.RecommendationReason}"),
            correlationId, cancellationToken, requested: null);
    }

    private async Task<Result<BulkResult>> DecideAsync(Viewer viewer, Func<ReviewPortalDbContext, IQueryable<ReviewItem>> select,
        Func<ReviewItem, (DecisionOutcome Outcome, string? Justification)> decide, string correlationId, CancellationToken cancellationToken,
        int? requested)
    {
        try
        {
            return await contexts.WriteAsync(async (db, ct) =>
            {
                var items = await select(db).Include(i => i.Campaign).Include(i => i.Entitlement).Include(i => i.Identity).ToListAsync(ct);
                // A selection usually comes from one campaign: read its stored definition once, not once per item.
                var definitions = items.Select(i => i.Campaign).DistinctBy(c => c.Id).ToDictionary(c => c.Id, c => c.Definition);
                var saved = 0;
                var problems = new List<string>();
                foreach (var item in items)
                {
                    var (outcome, justification) = decide(item);
                    var refusal = ReviewRules.CanDecide(viewer, item) ?? await single.ApplyAsync(db, viewer, item, new DecideReviewItem.Command
                    {
                        ItemId = item.Id, Outcome = outcome, Justification = justification, ExpectedVersion = item.Version, EvidenceHash = item.EvidenceHash,
                    }, correlationId, ct, definitions[item.CampaignId]);
                    if (refusal is null)
                    {
                        saved++;
                    }
                    else if (problems.Count < 5)
                    {
                        // Never name the holder or access of an item that is not the viewer's to see.
                        problems.Add(refusal.Kind is RefusalKind.Forbidden or RefusalKind.NotFound && item.ReviewerId != viewer.IdentityId
                            ? $"Item {item.Id}: not assigned to you."
                            : $"{item.Identity.DisplayName} / {item.Entitlement.DisplayName}: {refusal.Message}");
                    }
                }
                return new BulkResult(saved, (requested ?? items.Count) - saved, problems);
            }, cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Refusal.Conflict("Some of these items changed while you were deciding; nothing was saved. Reload and try again.");
        }
        catch (LedgerBusyException)
        {
            return Refusal.Busy("Nothing was saved");
        }
    }
}

/// <summary>What a bulk decision did: partial success is a report, not a refusal (one problem per skipped item, up to five).</summary>
public sealed record BulkResult(int Saved, int Skipped, IReadOnlyList<string> Problems);
