using FluentValidation;
using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Campaigns;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Web.Features.Reviews;

/// <summary>
/// One decision over a selection (one justification for all), or "accept recommendations" over
/// the reviewer's undecided items on screen. Each item comes with the version the reviewer saw: one changed since is
/// reported as changed meanwhile and left alone. Every item goes through the same rules as a single decision, its
/// campaign still active in this unit included; items the viewer may not decide are skipped and counted, never silently
/// changed. One unit of work:
/// refused as a whole only when nothing could be tried (a bulk reassignment, invalid input, or a
/// conflict or busy ledger that rolled the unit back).
/// </summary>
public sealed class BulkDecide(IDbContextFactory<ReviewPortalDbContext> contexts, DecideReviewItem single, IValidator<BulkDecide.Command> validator)
{
    /// <param name="Items">The selected items, each with the version the reviewer saw in the list.</param>
    public sealed record Command(IReadOnlyList<SeenItem> Items, DecisionOutcome Outcome, string? Justification);

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
        var seen = command.Items.DistinctBy(i => i.ItemId).ToList();
        return await DecideAsync(viewer, seen, _ => new Choice(command.Outcome, command.Justification), correlationId, cancellationToken);
    }

    /// <summary>
    /// Keep/revoke/reduce as recommended, for the items the reviewer has on screen (undecided, with a recommendation;
    /// <see cref="ReviewQueue.AcceptableRecommendations"/>); "look closer" items stay for a human.
    /// </summary>
    public Task<Result<BulkResult>> AcceptRecommendationsAsync(Viewer viewer, IReadOnlyList<SeenItem> items, string correlationId,
        CancellationToken cancellationToken = default) =>
        DecideAsync(viewer, items.DistinctBy(i => i.ItemId).ToList(),
            item => item switch
            {
                // The page sends neither; a request that does is told, and the item left for the reviewer.
                { Outcome: not null } => Refusal.Invalid("Already decided: change it from its own panel."),
                { Recommendation: Recommendation.LookCloser } => Refusal.Invalid("The recommendation is to look closer: decide it yourself."),
                _ => new Choice(item.Recommendation switch
                {
                    Recommendation.Revoke => DecisionOutcome.Revoke,
                    Recommendation.Reduce => DecisionOutcome.Reduce,
                    _ => DecisionOutcome.Keep,
                }, $"Accepted the recommendation: {item.RecommendationReason}"),
            },
            correlationId, cancellationToken);

    /// <summary>What a bulk path decides for one item.</summary>
    private sealed record Choice(DecisionOutcome Outcome, string? Justification);

    private async Task<Result<BulkResult>> DecideAsync(Viewer viewer, IReadOnlyList<SeenItem> seen,
        Func<ReviewItem, Result<Choice>> decide, string correlationId, CancellationToken cancellationToken)
    {
        var ids = seen.Select(i => i.ItemId).ToList();
        try
        {
            return await contexts.WriteAsync(async (db, ct) =>
            {
                var items = await db.ReviewItems.Where(i => ids.Contains(i.Id)).Include(i => i.Campaign).Include(i => i.Entitlement).Include(i => i.Identity).ToListAsync(ct);
                // A selection usually comes from one campaign: read its stored definition once, not once per item.
                var definitions = items.Select(i => i.Campaign).DistinctBy(c => c.Id).ToDictionary(c => c.Id, c => c.Definition);
                var stillActive = new Dictionary<int, bool>();
                var expected = seen.ToDictionary(i => i.ItemId, i => i.ExpectedVersion);
                var saved = 0;
                var changed = new List<long>();
                var problems = new List<string>();
                foreach (var item in items)
                {
                    var refusal = ReviewRules.CanDecide(viewer, item);
                    if (refusal is null && item.Version != expected[item.Id])
                    {
                        // Changed since the reviewer's list was read (decided in another tab, or by another path):
                        // reported, never overwritten with a choice made about what the row used to say.
                        changed.Add(item.Id);
                        continue;
                    }
                    if (refusal is null)
                    {
                        // Checked once per campaign, before its first item is changed; the campaign row stays locked until
                        // the unit commits, so a close waits for this decision or this decision sees the close.
                        if (!stillActive.TryGetValue(item.CampaignId, out var active))
                        {
                            stillActive[item.CampaignId] = active = await ActiveCampaign.HoldAsync(db, item.CampaignId, ct);
                        }
                        refusal = active ? null : DecideReviewItem.CampaignClosed;
                    }
                    if (refusal is null)
                    {
                        var choice = decide(item);
                        refusal = choice.Ok
                            ? await single.ApplyAsync(db, viewer, item, new DecideReviewItem.Command
                            {
                                // The evidence snapshot is written once, at launch, and never rewritten, so the row's version
                                // alone says whether it is still what the reviewer saw; the stored hash is the one they saw.
                                ItemId = item.Id, Outcome = choice.Value.Outcome, Justification = choice.Value.Justification,
                                ExpectedVersion = expected[item.Id], EvidenceHash = item.EvidenceHash,
                            }, correlationId, ct, definitions[item.CampaignId])
                            : choice.Refusal;
                    }
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
                return new BulkResult(saved, seen.Count - saved - changed.Count, problems, changed);
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

/// <summary>
/// What a bulk decision did: partial success is a report, not a refusal (one problem per skipped item, up to five). Items
/// that changed after the reviewer's list was read are neither saved nor skipped: <see cref="ChangedMeanwhile"/> names
/// them, so the page can say "reload to see them".
/// </summary>
public sealed record BulkResult(int Saved, int Skipped, IReadOnlyList<string> Problems, IReadOnlyList<long> ChangedMeanwhile);

/// <summary>An item as the reviewer saw it in their list: its id and the version shown.</summary>
public sealed record SeenItem(long ItemId, int ExpectedVersion);
