using FluentValidation;
using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Campaigns;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Web.Features.Reviews;

/// <summary>
/// A reviewer decides one item: keep, revoke, reduce, reassign, or don't know (a hand-off with a note to the resource owner
/// or the fallback reviewer, <see cref="HandOffTarget"/>). Only the assigned
/// reviewer, only while the campaign is open, never about themselves; justification rules from
/// the campaign; optimistic concurrency on the item's version and on the campaign still being active; the decision
/// records the hash of the evidence the reviewer saw and is audited in the same unit of work.
/// </summary>
public sealed class DecideReviewItem(IDbContextFactory<ReviewPortalDbContext> contexts, IValidator<DecideReviewItem.Command> validator,
    TimeProvider time)
{
    public sealed record Command
    {
        public long ItemId { get; init; }
        public DecisionOutcome Outcome { get; init; }
        public string? Justification { get; init; }
        public int? ReassignToId { get; init; }
        /// <summary>Keep only: the day the access should end (the grant expires then, after the campaign closes).</summary>
        public DateOnly? KeepUntil { get; init; }
        public int ExpectedVersion { get; init; }
        /// <summary>SHA-256 of the evidence snapshot the reviewer was shown (the detail panel displays it).</summary>
        public string EvidenceHash { get; init; } = "";
        /// <summary>SHA-256 of everything the screen showed (<see cref="ShownDigest"/>): recorded with the decision as sent.</summary>
        public string? ShownHash { get; init; }
        public double? SecondsToDecide { get; init; }
    }

    public sealed class Validator : AbstractValidator<Command>
    {
        public const int MinimumJustification = 10;
        /// <summary>Shared with bulk decisions, which store the same justification.</summary>
        public const string JustificationTooLong = "Keep the justification to {MaxLength} characters; this one has {TotalLength}.";
        public static readonly string DontKnowNeedsNote =
            $"Say what you don't know (at least {MinimumJustification} characters): the item goes to the resource owner with your note.";

        /// <summary>How far ahead a keep decision may set the access's end.</summary>
        public const int MaxKeepUntilDays = 365;

        public Validator(TimeProvider time)
        {
            RuleFor(c => c.Justification).MaximumLength(MaxLengths.ReviewDecision.Justification).WithMessage(JustificationTooLong);
            RuleFor(c => c.ReassignToId).NotNull().When(c => c.Outcome == DecisionOutcome.Reassign)
                .WithMessage("Choose who should review this item instead.");
            RuleFor(c => c.Justification).NotEmpty().MinimumLength(MinimumJustification).When(c => c.Outcome == DecisionOutcome.Reassign)
                .WithMessage($"Say why you are reassigning it (at least {MinimumJustification} characters).");
            // "Don't know" hands the item to someone else: the note is what they start from.
            RuleFor(c => c.Justification).Must(j => j?.Trim().Length >= MinimumJustification).When(c => c.Outcome == DecisionOutcome.DontKnow)
                .WithMessage(DontKnowNeedsNote);
            RuleFor(c => c.EvidenceHash).NotEmpty().WithMessage("Reload the item: the evidence you were shown did not come with the decision.");
            RuleFor(c => c.ShownHash).Must(h => IsSha256Hex(h!)).When(c => c.ShownHash is not null)
                .WithMessage("Reload the item: what you were shown did not come with the decision.");
            RuleFor(c => c.KeepUntil).Null().When(c => c.Outcome != DecisionOutcome.Keep)
                .WithMessage("Only a keep decision can carry an end date.");
            RuleFor(c => c.KeepUntil)
                .Must(until => until > DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime))
                .WithMessage("The end date must be in the future.")
                .Must(until => until <= DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime).AddDays(MaxKeepUntilDays))
                .WithMessage("Keep access at most a year ahead; the next review can extend it.")
                .When(c => c.Outcome == DecisionOutcome.Keep && c.KeepUntil is not null);
        }
    }

    /// <returns>The item's new version, or why the decision was refused (nothing saved).</returns>
    public async Task<Result<int>> HandleAsync(Viewer viewer, Command command, string correlationId, CancellationToken cancellationToken = default)
    {
        var validation = await validator.ValidateAsync(command, cancellationToken);
        if (!validation.IsValid)
        {
            return validation.ToRefusal();
        }
        try
        {
            return await contexts.WriteAsync<Result<int>>(async (db, ct) =>
            {
                var item = await db.ReviewItems.Include(i => i.Campaign).Include(i => i.Entitlement).Include(i => i.Identity)
                    .FirstOrDefaultAsync(i => i.Id == command.ItemId, ct);
                // The reviewer opened the item while the campaign was open: a close since then is news to them (reload), not a
                // permission they lack. Asked only for the assigned reviewer, so nobody else learns about the campaign.
                if (item is not null && item.ReviewerId == viewer.IdentityId && !await ActiveCampaign.HoldAsync(db, item.CampaignId, ct))
                {
                    return CampaignClosed;
                }
                var check = ReviewRules.CanDecide(viewer, item);
                if (check is not null)
                {
                    return check;
                }
                var refusal = await ApplyAsync(db, viewer, item!, command, correlationId, ct);
                if (refusal is not null)
                {
                    return refusal;
                }
                // The unit saves the change and its entries; a version that moved meanwhile fails that save.
                return item!.Version;
            }, cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return await ConflictAsync(command.ItemId, cancellationToken);
        }
        catch (LedgerBusyException)
        {
            // The unit already waited for the ledger and ran again (LedgerLock); the log has the detail.
            return Refusal.Busy("Your decision was not saved");
        }
    }

    /// <summary>What a decision answers when its campaign closed after the reviewer opened the item.</summary>
    internal static Refusal CampaignClosed =>
        Refusal.Conflict("The campaign was closed while you were deciding: your decision was not saved. Reload to see the item as it was closed.");

    /// <summary>
    /// Applies one decision to a tracked item (shared with bulk decisions). Returns a refusal, or null when applied.
    /// <paramref name="definition"/> is the item's campaign definition when the caller has already read it;
    /// <paramref name="currentEvidenceHash"/> is the item's current snapshot hash when the caller has already read it.
    /// </summary>
    internal async Task<Refusal?> ApplyAsync(ReviewPortalDbContext db, Viewer viewer, ReviewItem item, Command command,
        string correlationId, CancellationToken cancellationToken, CampaignDefinition? definition = null, string? currentEvidenceHash = null)
    {
        if (item.Version != command.ExpectedVersion)
        {
            return await ConflictAsync(db, item.Id, cancellationToken);
        }
        // Bulk paths come here without the single command's validator: the digest is held to its column here too.
        if (command.ShownHash is { } shown && !IsSha256Hex(shown))
        {
            return Refusal.Invalid("Reload the item: what you were shown did not come with the decision.");
        }
        // The decision stands on the snapshot the reviewer had on screen, which must be the item's latest: one refreshed
        // since (in another tab, by a delegate) is news they have not seen, so the decision is refused rather than recorded
        // against evidence nobody looked at.
        var snapshotHash = currentEvidenceHash ?? await CurrentEvidence.HashAsync(db, item, cancellationToken);
        if (!string.Equals(snapshotHash, command.EvidenceHash, StringComparison.OrdinalIgnoreCase))
        {
            return snapshotHash != item.EvidenceHash && string.Equals(item.EvidenceHash, command.EvidenceHash, StringComparison.OrdinalIgnoreCase)
                ? EvidenceRefreshedMeanwhile
                : Refusal.Conflict("The evidence for this item changed since you opened it. Reload it before deciding.");
        }
        definition ??= item.Campaign.Definition;
        var justification = command.Justification?.Trim();
        if (ReviewRules.JustificationRequired(definition, item.Recommendation, command.Outcome)
            && (justification is null || justification.Length < Validator.MinimumJustification))
        {
            return Refusal.Invalid(new Dictionary<string, string>
            {
                [nameof(Command.Justification)] = $"This campaign requires a justification of at least {Validator.MinimumJustification} characters for {ReviewRules.Describe(command.Outcome, item.Recommendation)}.",
            });
        }
        if (command.Outcome == DecisionOutcome.Reduce && item.Entitlement.ReducesToId is null)
        {
            return Refusal.Invalid(new Dictionary<string, string>
            {
                [nameof(Command.Outcome)] = $"{item.Entitlement.DisplayName} has no lesser role to reduce to: keep or revoke it.",
            });
        }

        var now = time.GetUtcNow();
        var actor = new AuditActor(viewer.IdentityId, viewer.Name, now, correlationId);
        var before = new { item.Outcome, item.ReviewerId, item.Justification };
        if (command.Outcome == DecisionOutcome.Reassign)
        {
            var target = command.ReassignToId!.Value;
            if (ReviewerResolver.IsSelfReview(target, item.IdentityId, item.Identity.OwnerId) || target == item.ReviewerId
                || !await db.Identities.AnyAsync(i => i.Id == target && i.Kind == IdentityKind.Person && i.EmploymentStatus == EmploymentStatus.Active, cancellationToken))
            {
                return Refusal.Invalid(new Dictionary<string, string>
                {
                    [nameof(Command.ReassignToId)] = "Reassign to another employed person who is not the holder or owner of this access.",
                });
            }
            item.Reassign(target);
            db.Audit(actor, "review.reassigned", item, before, new { reviewerId = target, justification }, item.IdentityId, item.CampaignId);
            return null;
        }
        if (command.Outcome == DecisionOutcome.DontKnow)
        {
            // Bulk decisions come here too, without the single command's validator: the note is checked for them here.
            if (justification is null || justification.Length < Validator.MinimumJustification)
            {
                return Refusal.Invalid(new Dictionary<string, string> { [nameof(Command.Justification)] = Validator.DontKnowNeedsNote });
            }
            if (await HandOffTarget.FindAsync(db, item, definition, cancellationToken) is not { } next)
            {
                return Refusal.Invalid(new Dictionary<string, string>
                {
                    [nameof(Command.Outcome)] = "Nobody else can take this item (no resource owner or fallback reviewer who is not its holder): decide it, or reassign it.",
                });
            }
            db.ReviewDecisions.Add(Shown(item.HandOff(next.ReviewerId, justification, viewer.IdentityId!.Value, now, command.SecondsToDecide),
                snapshotHash, command.ShownHash));
            db.Audit(actor, "review.handed-off", item, before, new { reviewerId = next.ReviewerId, to = next.Role, note = justification },
                item.IdentityId, item.CampaignId);
            // A stage-two item opened by an earlier decision no longer stands on one.
            await ReviewRules.OpenSecondStageAsync(db, definition, item, actor, cancellationToken);
            return null;
        }

        var keepUntil = command.KeepUntil is { } until ? new DateTimeOffset(until.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : (DateTimeOffset?)null;
        // A reviewer's decision on an item the exception policy kept is an override: audited as such, with the rule it replaces.
        var overridden = item.AutoKept ? item.Justification : null;
        db.ReviewDecisions.Add(Shown(item.Decide(command.Outcome, item.Entitlement.ReducesToId, justification, viewer.IdentityId!.Value, now,
            command.SecondsToDecide, keepUntil), snapshotHash, command.ShownHash));
        if (overridden is null)
        {
            db.Audit(actor, "review.decided", item, before,
                new { command.Outcome, justification, EvidenceHash = snapshotHash, shownHash = command.ShownHash, item.Recommendation,
                    reducedTo = item.ReducedToEntitlementId, item.KeepUntil },
                item.IdentityId, item.CampaignId);
        }
        else
        {
            db.Audit(actor, AutoKeep.OverrideAction, item, before,
                new { command.Outcome, justification, EvidenceHash = snapshotHash, shownHash = command.ShownHash, item.Recommendation,
                    reducedTo = item.ReducedToEntitlementId, item.KeepUntil, overridesAutoKeep = overridden },
                item.IdentityId, item.CampaignId);
        }
        ReviewRules.TakeOverOwnership(db, definition, item, actor);
        await ReviewRules.OpenSecondStageAsync(db, definition, item, actor, cancellationToken);
        return null;
    }

    /// <summary>A SHA-256 as <see cref="ShownDigest"/> writes it: 64 lower-case hex digits.</summary>
    internal static bool IsSha256Hex(string value) =>
        value.Length == MaxLengths.Sha256Hex && value.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');

    /// <summary>What a decision answers when the item's evidence was refreshed after the reviewer opened it.</summary>
    internal static Refusal EvidenceRefreshedMeanwhile =>
        Refusal.Conflict("The evidence was refreshed meanwhile: your decision was not saved. Look at the refreshed evidence and decide again.");

    /// <summary>The decision row records the snapshot on screen (launch or refresh) and the digest of everything shown.</summary>
    private static ReviewDecision Shown(ReviewDecision decision, string snapshotHash, string? shownHash)
    {
        decision.EvidenceHash = snapshotHash;
        decision.ShownHash = shownHash;
        return decision;
    }

    /// <summary>After the unit rolled back (the save's version check failed): what the item is now, read afresh.</summary>
    private async Task<Refusal> ConflictAsync(long itemId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await ConflictAsync(db, itemId, cancellationToken);
    }

    private static async Task<Refusal> ConflictAsync(ReviewPortalDbContext db, long itemId, CancellationToken cancellationToken)
    {
        var current = await db.ReviewItems.AsNoTracking().Where(i => i.Id == itemId)
            .Select(i => new { i.Outcome, i.DecidedAt, Who = db.Identities.Where(p => p.Id == i.DecidedById).Select(p => p.DisplayName).FirstOrDefault() })
            .FirstOrDefaultAsync(cancellationToken);
        var detail = current?.Outcome is { } o ? $" It is now \"{o}\" by {current.Who ?? "another reviewer"} at {current.DecidedAt:yyyy-MM-dd HH:mm} UTC." : "";
        return Refusal.Conflict($"This item changed while you were looking at it.{detail} Your choice was not saved: reload and decide again.");
    }
}
