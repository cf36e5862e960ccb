using FluentValidation;
using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Components.Shared;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Web.Features.Setup;

/// <summary>
/// An admin creates or changes the approval policy of an entitlement, of a resource, or the default one. Approvers must be
/// employed people. Audited (<see cref="SetupWords.PolicySaved"/>, before and after, in words) in the same transaction;
/// a save made on an older version, or a second "create" for the same target, is refused. Compliance reads, never saves.
/// </summary>
public sealed class SaveApprovalPolicy(IDbContextFactory<ReviewPortalDbContext> contexts, IValidator<SaveApprovalPolicy.Command> validator,
    TimeProvider time)
{
    public sealed record Command
    {
        public ApprovalPolicyScope Scope { get; set; }
        public int? EntitlementId { get; set; }
        public int? ResourceId { get; set; }
        public ApprovalFlow Flow { get; set; }
        public int? SecondApproverId { get; set; }
        public int? FallbackApproverId { get; set; }
        public int EscalateAfterDays { get; set; } = ApprovalPolicy.DefaultEscalateAfterDays;
        public int? MaxDurationDays { get; set; }
        /// <summary>The version the admin saw; null when they are creating the policy.</summary>
        public int? ExpectedVersion { get; set; }
    }

    public sealed class Validator : AbstractValidator<Command>
    {
        public const int MaxEscalateAfterDays = 30;
        public const int MaxDuration = 365;

        public Validator()
        {
            RuleFor(c => c.Scope).IsInEnum();
            RuleFor(c => c.EntitlementId).NotNull().When(c => c.Scope == ApprovalPolicyScope.Entitlement)
                .WithMessage("Choose the entitlement this policy is for.");
            RuleFor(c => c.ResourceId).NotNull().When(c => c.Scope == ApprovalPolicyScope.Resource)
                .WithMessage("Choose the workspace, organization or group this policy is for.");
            RuleFor(c => c.Flow).IsInEnum().WithMessage("Choose who approves.");
            RuleFor(c => c.SecondApproverId).Null().When(c => c.Flow != ApprovalFlow.TwoOwners)
                .WithMessage("Only a two-owner policy names a second owner.");
            RuleFor(c => c.FallbackApproverId).NotEqual(c => c.SecondApproverId).When(c => c.FallbackApproverId is not null)
                .WithMessage("The fallback approver must be someone other than the second owner: they would approve twice.");
            RuleFor(c => c.EscalateAfterDays).InclusiveBetween(1, MaxEscalateAfterDays)
                .WithMessage($"Escalate after 1 to {MaxEscalateAfterDays} days without an answer.");
            RuleFor(c => c.MaxDurationDays).InclusiveBetween(1, MaxDuration).When(c => c.MaxDurationDays is not null)
                .WithMessage($"A maximum duration is 1 to {MaxDuration} days; leave it empty to keep only the entitlement's own limit.");
        }
    }

    public async Task<Result<SetupResult>> HandleAsync(Viewer viewer, Command command, string correlationId, CancellationToken cancellationToken = default)
    {
        var admin = AdminScreens.ActingAdmin(viewer, "can change approval policies; Compliance can read them");
        if (!admin.Ok)
        {
            return admin.Refusal;
        }
        var adminId = admin.Value;
        var validation = await validator.ValidateAsync(command, cancellationToken);
        if (!validation.IsValid)
        {
            return validation.ToRefusal();
        }
        var entitlementId = command.Scope == ApprovalPolicyScope.Entitlement ? command.EntitlementId : null;
        var resourceId = command.Scope == ApprovalPolicyScope.Resource ? command.ResourceId : null;
        var target = ChangeTarget.Policy(ApprovalPolicy.ScopeKeyOf(command.Scope, entitlementId, resourceId));
        var now = time.GetUtcNow();
        try
        {
            return await contexts.WriteAsync<Result<SetupResult>>(async (db, ct) =>
            {
                var targetName = await TargetNameAsync(db, command.Scope, entitlementId, resourceId, ct);
                if (targetName is null)
                {
                    return Refusal.NotFound("That entitlement or resource no longer exists, or cannot be requested.");
                }
                var policy = await db.ApprovalPolicies.FirstOrDefaultAsync(p => p.Scope == command.Scope
                    && p.EntitlementId == entitlementId && p.ResourceId == resourceId, ct);
                if (policy?.Version != command.ExpectedVersion)
                {
                    return Refusal.Conflict(await GetChangeHistory.ConflictMessageAsync(db, target, $"the policy for {targetName}", ct));
                }
                var people = await AssignablePeople.LoadAsync(db,
                    [command.SecondApproverId, command.FallbackApproverId, policy?.SecondApproverId, policy?.FallbackApproverId], ct);
                var errors = new Dictionary<string, string>();
                if (AssignablePeople.Problem(people, command.SecondApproverId, "second owner") is { } secondProblem)
                {
                    errors[nameof(Command.SecondApproverId)] = secondProblem;
                }
                if (AssignablePeople.Problem(people, command.FallbackApproverId, "fallback approver") is { } fallbackProblem)
                {
                    errors[nameof(Command.FallbackApproverId)] = fallbackProblem;
                }
                if (errors.Count > 0)
                {
                    return Refusal.Invalid(errors);
                }
                var before = policy is null ? null : Words(people, policy);
                if (policy is null)
                {
                    policy = new ApprovalPolicy { Scope = command.Scope, EntitlementId = entitlementId, ResourceId = resourceId };
                    db.ApprovalPolicies.Add(policy);
                }
                else if (policy.Flow == command.Flow && policy.SecondApproverId == command.SecondApproverId && policy.FallbackApproverId == command.FallbackApproverId
                    && policy.EscalateAfterDays == command.EscalateAfterDays && policy.MaxDurationDays == command.MaxDurationDays)
                {
                    return new SetupResult(SetupStatus.Unchanged, "Nothing changed.", NewVersion: policy.Version);
                }
                policy.Flow = command.Flow;
                policy.SecondApproverId = command.SecondApproverId;
                policy.FallbackApproverId = command.FallbackApproverId;
                policy.EscalateAfterDays = command.EscalateAfterDays;
                policy.MaxDurationDays = command.MaxDurationDays;
                policy.UpdatedAt = now;
                policy.UpdatedById = adminId;
                policy.Version++;
                var after = Words(people, policy);
                after["Applies to"] = targetName;
                if (before is not null)
                {
                    before["Applies to"] = targetName;
                }
                db.Audit(new AuditActor(adminId, viewer.Name, now, correlationId), SetupWords.PolicySaved, new AuditTarget(target.Type, target.Id), before, after);
                await db.SaveChangesAsync(ct);
                return new SetupResult(SetupStatus.Saved, $"Policy for {targetName} saved: new requests follow it.", NewVersion: policy.Version);
            }, cancellationToken);
        }
        catch (DbUpdateException)
        {
            // The version token (an update) or the one-policy-per-target index (a second create) refused a concurrent save.
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            return Refusal.Conflict(await GetChangeHistory.ConflictMessageAsync(db, target, "this policy", cancellationToken));
        }
    }

    internal static async Task<string?> TargetNameAsync(ReviewPortalDbContext db, ApprovalPolicyScope scope, int? entitlementId, int? resourceId,
        CancellationToken cancellationToken) => scope switch
        {
            ApprovalPolicyScope.Entitlement => await db.Entitlements.Where(e => e.Id == entitlementId && e.IsRequestable)
                .Select(e => e.DisplayName).FirstOrDefaultAsync(cancellationToken),
            ApprovalPolicyScope.Resource => await db.Resources.Where(r => r.Id == resourceId).Select(r => r.Name).FirstOrDefaultAsync(cancellationToken),
            _ => "the default policy",
        };

    internal static Dictionary<string, object?> Words(IReadOnlyDictionary<int, Identity> people, ApprovalPolicy policy) => new()
    {
        ["Approvers"] = Humanize.Flow(policy.Flow),
        ["Second owner"] = policy.Flow == ApprovalFlow.TwoOwners
            ? policy.SecondApproverId is null ? "the resource's backup owner" : AssignablePeople.Name(people, policy.SecondApproverId)
            : null,
        ["Fallback approver"] = policy.FallbackApproverId is null ? "the default fallback approver" : AssignablePeople.Name(people, policy.FallbackApproverId),
        ["Escalate after"] = $"{policy.EscalateAfterDays} days",
        ["Maximum duration"] = policy.MaxDurationDays is { } max ? $"{max} days" : "the entitlement's own limit",
        ["secondApproverId"] = policy.SecondApproverId,
        ["fallbackApproverId"] = policy.FallbackApproverId,
    };
}
