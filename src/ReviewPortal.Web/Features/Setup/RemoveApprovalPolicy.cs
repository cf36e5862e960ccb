using FluentValidation;
using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Web.Features.Setup;

/// <summary>
/// An admin removes a policy: its requests fall back to the next one (resource, default, built-in). Requests already
/// submitted keep their steps. Audited with what was removed; refused when the policy changed since the admin saw it.
/// </summary>
public sealed class RemoveApprovalPolicy(IDbContextFactory<ReviewPortalDbContext> contexts, IValidator<RemoveApprovalPolicy.Command> validator,
    TimeProvider time)
{
    public sealed record Command(int PolicyId, int ExpectedVersion);

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.PolicyId).GreaterThan(0).WithMessage("Choose the policy to remove.");
            RuleFor(c => c.ExpectedVersion).GreaterThanOrEqualTo(0).WithMessage("Reload the policies: this one was read wrongly.");
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
        var now = time.GetUtcNow();
        try
        {
            return await contexts.WriteAsync<Result<SetupResult>>(async (db, ct) =>
            {
                var policy = await db.ApprovalPolicies.FirstOrDefaultAsync(p => p.Id == command.PolicyId, ct);
                if (policy is null)
                {
                    return Refusal.Conflict("Someone removed this policy after you opened it. Reload to see the policies in force.");
                }
                var target = ChangeTarget.Policy(policy.ScopeKey);
                var name = await SaveApprovalPolicy.TargetNameAsync(db, policy.Scope, policy.EntitlementId, policy.ResourceId, ct) ?? policy.ScopeKey;
                if (policy.Version != command.ExpectedVersion)
                {
                    return Refusal.Conflict(await GetChangeHistory.ConflictMessageAsync(db, target, $"the policy for {name}", ct));
                }
                var people = await AssignablePeople.LoadAsync(db, [policy.SecondApproverId, policy.FallbackApproverId], ct);
                var before = SaveApprovalPolicy.Words(people, policy);
                before["Applies to"] = name;
                db.ApprovalPolicies.Remove(policy);
                db.Audit(new AuditActor(adminId, viewer.Name, now, correlationId), SetupWords.PolicyRemoved, new AuditTarget(target.Type, target.Id), before,
                    new Dictionary<string, object?> { ["Applies to"] = name, ["Approvers"] = "the next policy that applies" });
                await db.SaveChangesAsync(ct);
                return new SetupResult(SetupStatus.Saved, $"Policy for {name} removed: new requests follow the next policy that applies.");
            }, cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Refusal.Conflict("Someone changed or removed this policy after you opened it. Reload to see the policies in force.");
        }
    }
}
