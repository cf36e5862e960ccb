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
    public sealed record Command(IReadOnlyList<SeenItem> Items, DecisionOutcome Outcome, string? Justification)
    {
        /// <summary>
        /// How long the reviewer had the rows on screen before deciding them all: each decision records its share (200 items
        /// in 10 s is 0.05 s each), so reviewer quality sees bulk work instead of leaving it out.
        /// </summary>
        public double? SecondsOnScreen { get; init; }
    }

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
        return await DecideAsync(viewer, seen, (_, _) => new Choice(command.Outcome, command.Justification), correlationId, cancellationToken,
            Share(command.SecondsOnScreen, seen.Count));
    }

    /// <summary>
    /// What <see cref="AcceptRecommendationsAsync"/> would do with these items, said before it is done: how many would be
    /// kept, revoked and reduced, and how many skipped and why. Reviewer-scoped like the apply: an item not assigned to the
    /// viewer is counted as skipped, never described. The same per-item rules decide both (<see cref="Plan"/>), so what is
    /// promised is what is done, unless an item changes in between (then it is reported as changed meanwhile).
    /// </summary>
    public async Task<Result<RecommendationPreview>> PreviewRecommendationsAsync(Viewer viewer, IReadOnlyList<SeenItem> items,
        CancellationToken cancellationToken = default)
    {
        var seen = items.DistinctBy(i => i.ItemId).ToList();
        var expected = seen.ToDictionary(i => i.ItemId, i => i.ExpectedVersion);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var ids = expected.Keys.ToList();
        var found = await db.ReviewItems.AsNoTracking().Where(i => ids.Contains(i.Id))
            .Include(i => i.Campaign).Include(i => i.Entitlement).Include(i => i.Identity).ToListAsync(cancellationToken);
        var outcomes = new Dictionary<DecisionOutcome, int>();
        var skipped = new Dictionary<string, int>();
        foreach (var item in found)
        {
            var plan = Plan(viewer, item, expected[item.Id], item.Campaign.Status == CampaignStatus.Active, item.Campaign.Definition);
            if (plan.Ok)
            {
                outcomes[plan.Value.Outcome] = outcomes.GetValueOrDefault(plan.Value.Outcome) + 1;
            }
            else
            {
                var why = SkipReason(viewer, item, plan.Refusal);
                skipped[why] = skipped.GetValueOrDefault(why) + 1;
            }
        }
        if (seen.Count > found.Count)
        {
            // An id that does not exist says nothing about anyone's items: counted with the ones not assigned to the viewer.
            skipped[NotYours] = skipped.GetValueOrDefault(NotYours) + seen.Count - found.Count;
        }
        return new RecommendationPreview(seen, outcomes, skipped.Select(s => new SkipCount(s.Key, s.Value)).OrderByDescending(s => s.Count).ToList());
    }

    /// <summary>
    /// Keep/revoke/reduce as recommended, for exactly the items the reviewer was shown in the preview (each at the version
    /// previewed); "look closer" items stay for a human. The preview's <see cref="Plan"/> decides each item again here.
    /// </summary>
    /// <param name="secondsOnScreen">How long the reviewer had the items on screen (the preview included): each decision records its share.</param>
    public Task<Result<BulkResult>> AcceptRecommendationsAsync(Viewer viewer, IReadOnlyList<SeenItem> items, string correlationId,
        CancellationToken cancellationToken = default, double? secondsOnScreen = null)
    {
        var seen = items.DistinctBy(i => i.ItemId).ToList();
        return DecideAsync(viewer, seen, (item, definition) => Recommended(item, definition), correlationId, cancellationToken,
            Share(secondsOnScreen, seen.Count));
    }

    /// <summary>One item's share of a bulk action's time on screen.</summary>
    private static double? Share(double? seconds, int items) => seconds is { } s && items > 0 ? Math.Round(s / items, 3) : null;

    private const string NotYours = "not assigned to you";

    /// <summary>
    /// Accepting the recommendation for one item, as preview and apply both judge it: who may decide, whether the row is
    /// still as shown, whether its campaign is open, then <see cref="Recommended"/>.
    /// </summary>
    private static Result<Choice> Plan(Viewer viewer, ReviewItem item, int expectedVersion, bool campaignActive, CampaignDefinition definition)
    {
        if (ReviewRules.CanDecide(viewer, item) is { } refusal)
        {
            return refusal;
        }
        if (item.Version != expectedVersion)
        {
            return Refusal.Conflict("Changed since your list was read.");
        }
        return campaignActive ? Recommended(item, definition) : DecideReviewItem.CampaignClosed;
    }

    /// <summary>The decision accepting this item's recommendation makes, or why it is left for the reviewer.</summary>
    private static Result<Choice> Recommended(ReviewItem item, CampaignDefinition definition)
    {
        if (item.Outcome is not null)
        {
            // The page sends none; a request that does is told, and the item left as decided.
            return Refusal.Invalid(AlreadyDecided);
        }
        if (item.Recommendation == Recommendation.LookCloser)
        {
            return Refusal.Invalid(LookCloser);
        }
        var outcome = item.Recommendation switch
        {
            Recommendation.Revoke => DecisionOutcome.Revoke,
            Recommendation.Reduce => DecisionOutcome.Reduce,
            _ => DecisionOutcome.Keep,
        };
        if (outcome == DecisionOutcome.Reduce && item.Entitlement.ReducesToId is null)
        {
            return Refusal.Invalid(NoLesserRole);
        }
        // The explained recommendation is the justification, as it has always been for this action; one too short to
        // meet the campaign's rule is left for the reviewer's own words rather than refused item by item.
        var justification = $"Accepted the recommendation: {item.RecommendationReason}";
        if (ReviewRules.JustificationRequired(definition, item.Recommendation, outcome)
            && justification.Trim().Length < DecideReviewItem.Validator.MinimumJustification)
        {
            return Refusal.Invalid(NeedsJustification);
        }
        return new Choice(outcome, justification);
    }

    private const string AlreadyDecided = "already decided: change it from its own panel";
    private const string LookCloser = "the recommendation is to look closer: decide it yourself";
    private const string NoLesserRole = "no lesser role to reduce to: keep or revoke it yourself";
    private const string NeedsJustification = "the campaign asks for your own justification";

    /// <summary>A skipped item's reason, short enough to count: never naming an item that is not the viewer's.</summary>
    private static string SkipReason(Viewer viewer, ReviewItem item, Refusal refusal) => refusal switch
    {
        { Kind: RefusalKind.Forbidden or RefusalKind.NotFound } when item.ReviewerId != viewer.IdentityId => NotYours,
        { Kind: RefusalKind.Conflict } when refusal.Message == DecideReviewItem.CampaignClosed.Message => "its campaign is closed",
        { Kind: RefusalKind.Conflict } => "changed since your list was read: reload to see it",
        _ => refusal.Message.TrimEnd('.') is var m && m.Length > 0 ? char.ToLowerInvariant(m[0]) + m[1..] : m,
    };

    /// <summary>What a bulk path decides for one item.</summary>
    private sealed record Choice(DecisionOutcome Outcome, string? Justification);

    private async Task<Result<BulkResult>> DecideAsync(Viewer viewer, IReadOnlyList<SeenItem> seen,
        Func<ReviewItem, CampaignDefinition, Result<Choice>> decide, string correlationId, CancellationToken cancellationToken,
        double? secondsEach = null)
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
                var shown = seen.ToDictionary(i => i.ItemId, i => i.ShownHash);
                // The evidence each item stands on now (a refresh since launch is the one recorded), read once for all.
                var refreshed = await CurrentEvidence.RefreshedHashesAsync(db, ids, ct);
                var saved = 0;
                var byOutcome = new Dictionary<DecisionOutcome, int>();
                var changed = new List<long>();
                var problems = new List<string>();
                foreach (var item in items)
                {
                    DecisionOutcome? applied = null;
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
                        var choice = decide(item, definitions[item.CampaignId]);
                        applied = choice.Ok ? choice.Value.Outcome : null;
                        refusal = choice.Ok
                            ? await single.ApplyAsync(db, viewer, item, new DecideReviewItem.Command
                            {
                                // A snapshot is never rewritten once hashed, so the row's version says whether the row is
                                // still what the reviewer saw; the decision records the item's current snapshot and the row's digest.
                                ItemId = item.Id, Outcome = choice.Value.Outcome, Justification = choice.Value.Justification,
                                ExpectedVersion = expected[item.Id], EvidenceHash = refreshed.GetValueOrDefault(item.Id, item.EvidenceHash),
                                ShownHash = shown[item.Id], SecondsToDecide = secondsEach,
                            }, correlationId, ct, definitions[item.CampaignId], currentEvidenceHash: refreshed.GetValueOrDefault(item.Id, item.EvidenceHash))
                            : choice.Refusal;
                    }
                    if (refusal is null)
                    {
                        saved++;
                        byOutcome[applied!.Value] = byOutcome.GetValueOrDefault(applied!.Value) + 1;
                    }
                    else if (problems.Count < 5)
                    {
                        // Never name the holder or access of an item that is not the viewer's to see.
                        problems.Add(refusal.Kind is RefusalKind.Forbidden or RefusalKind.NotFound && item.ReviewerId != viewer.IdentityId
                            ? $"Item {item.Id}: not assigned to you."
                            : $"{item.Identity.DisplayName} / {item.Entitlement.DisplayName}: {refusal.Message}");
                    }
                }
                return new BulkResult(saved, seen.Count - saved - changed.Count, problems, changed, byOutcome);
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
/// <param name="Decided">The saved decisions by outcome (a hand-off counts as "don't know"); what was done, in the preview's terms.</param>
public sealed record BulkResult(int Saved, int Skipped, IReadOnlyList<string> Problems, IReadOnlyList<long> ChangedMeanwhile,
    IReadOnlyDictionary<DecisionOutcome, int>? Decided = null);

/// <summary>
/// What accepting the recommendations would do, before it is done: <see cref="Items"/> (at the versions read) is what the
/// apply must be given, <see cref="Outcomes"/> how many of them would be kept, revoked or reduced, <see cref="Skipped"/> how
/// many would be left, grouped by why.
/// </summary>
public sealed record RecommendationPreview(IReadOnlyList<SeenItem> Items, IReadOnlyDictionary<DecisionOutcome, int> Outcomes,
    IReadOnlyList<SkipCount> Skipped)
{
    public int ToDecide => Outcomes.Values.Sum();
}

/// <summary>How many items a bulk action would leave, and why (in words).</summary>
public sealed record SkipCount(string Why, int Count);

/// <summary>An item as the reviewer saw it in their list: its id and the version shown.</summary>
/// <param name="ShownHash">SHA-256 of what the row showed (<see cref="ShownDigest"/>), recorded with the decision.</param>
public sealed record SeenItem(long ItemId, int ExpectedVersion, string? ShownHash = null);
