using FluentValidation;
using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Web.Features.Lifecycle;

/// <summary>
/// An admin switches lifecycle rules on or off and sets their periods. Each rule that changes is audited
/// (<c>lifecycle.rule-updated</c>, before and after) in the same transaction; the saving admin becomes the rule's
/// accountable admin (micro-reviews are created in their name and fall to them when nobody else can decide).
/// </summary>
public sealed class UpdateLifecycleRules(IDbContextFactory<ReviewPortalDbContext> contexts, IValidator<UpdateLifecycleRules.Command> validator,
    TimeProvider time)
{
    /// <summary>Flat, so the settings form binds each field and the validator names it.</summary>
    public sealed record Command
    {
        public bool DepartedOwnerEnabled { get; set; }
        public int DepartedOwnerReviewDays { get; set; } = LifecycleRule.DefaultReviewDays;
        public bool DormantKeysEnabled { get; set; }
        public int DormantDays { get; set; } = LifecycleRule.DefaultDormantDays;
        public int DormantKeysReviewDays { get; set; } = LifecycleRule.DefaultReviewDays;
    }

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.DormantDays).InclusiveBetween(7, 365).WithMessage("A key counts as dormant after 7 to 365 days without activity.");
            RuleFor(c => c.DepartedOwnerReviewDays).InclusiveBetween(1, 90).WithMessage("Give reviewers 1 to 90 days.");
            RuleFor(c => c.DormantKeysReviewDays).InclusiveBetween(1, 90).WithMessage("Give reviewers 1 to 90 days.");
        }
    }

    /// <returns>How many rules changed (none when the admin saved what is already in force).</returns>
    public async Task<Result<int>> HandleAsync(Viewer viewer, Command command, string correlationId, CancellationToken cancellationToken = default)
    {
        var admin = AdminScreens.ActingAdmin(viewer, "can change lifecycle rules");
        if (!admin.Ok)
        {
            return admin.Refusal;
        }
        var validation = await validator.ValidateAsync(command, cancellationToken);
        if (!validation.IsValid)
        {
            return validation.ToRefusal();
        }
        var now = time.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = await db.LifecycleRules.ToDictionaryAsync(r => r.Key, cancellationToken);
        var wanted = new[]
        {
            (Key: LifecycleRule.DepartedOwner, command.DepartedOwnerEnabled, DormantDays: (int?)null, command.DepartedOwnerReviewDays),
            (Key: LifecycleRule.DormantKeys, command.DormantKeysEnabled, DormantDays: (int?)command.DormantDays, command.DormantKeysReviewDays),
        };
        var actor = new AuditActor(viewer.IdentityId, viewer.Name, now, correlationId);
        var changed = 0;
        foreach (var (key, enabled, dormantDays, reviewDays) in wanted)
        {
            var exists = rows.TryGetValue(key, out var rule);
            rule ??= LifecycleRule.Default(key);
            var before = Describe(rule);
            // Saving what is already in force changes nothing, so it leaves no entry (and a never-saved rule no row).
            if (before.Enabled == enabled && before.DormantDays == (dormantDays ?? rule.DormantDays) && before.ReviewDays == reviewDays)
            {
                continue;
            }
            if (!exists)
            {
                db.LifecycleRules.Add(rule);
            }
            rule.Enabled = enabled;
            rule.DormantDays = dormantDays ?? rule.DormantDays;
            rule.ReviewDays = reviewDays;
            rule.UpdatedAt = now;
            rule.UpdatedById = viewer.IdentityId;
            db.Audit(actor, "lifecycle.rule-updated", new AuditTarget(nameof(LifecycleRule), key), before, Describe(rule));
            changed++;
        }
        await db.SaveChangesAsync(cancellationToken);
        return changed;
    }

    private static RuleSettings Describe(LifecycleRule rule) => new(rule.Enabled, rule.DormantDays, rule.ReviewDays, rule.UpdatedById);

    private sealed record RuleSettings(bool Enabled, int DormantDays, int ReviewDays, int? AccountableAdminId);
}
