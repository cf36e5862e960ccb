using FluentValidation;
using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Web.Features.Requests;

/// <summary>
/// A person requests an entitlement for themselves or for an NHI they own, with a business
/// justification and a duration. Bad input gets field-level messages and stores nothing.
/// </summary>
public sealed class SubmitAccessRequest(IDbContextFactory<ReviewPortalDbContext> contexts, IValidator<SubmitAccessRequest.Command> validator,
    TimeProvider time)
{
    public sealed class Command
    {
        public int EntitlementId { get; set; }
        public int BeneficiaryId { get; set; }
        public string Justification { get; set; } = "";
        /// <summary>Null asks for permanent access (only where the entitlement allows it).</summary>
        public int? DurationDays { get; set; } = 30;
        public DateTime? StartsOn { get; set; }
    }

    public sealed class Validator : AbstractValidator<Command>
    {
        public const int MinimumJustification = 20;
        /// <summary>Five years: longer is permanent access in all but name (ask for that where the access allows it).</summary>
        public const int MaximumDurationDays = 1826;

        public Validator(TimeProvider time)
        {
            RuleFor(c => c.EntitlementId).GreaterThan(0).WithMessage("Choose the access you need.");
            RuleFor(c => c.BeneficiaryId).GreaterThan(0).WithMessage("Choose who needs it: you, or an agent or key you own.");
            RuleFor(c => c.Justification).NotEmpty().WithMessage("Explain the business reason.")
                .MinimumLength(MinimumJustification).WithMessage($"Give at least {MinimumJustification} characters of business justification.")
                .MaximumLength(MaxLengths.AccessRequest.Justification).WithMessage("Keep the justification to {MaxLength} characters; this one has {TotalLength}.");
            RuleFor(c => c.DurationDays).InclusiveBetween(1, MaximumDurationDays).When(c => c.DurationDays is not null)
                .WithMessage($"Choose a duration from 1 to {MaximumDurationDays} days (five years), or permanent access where it is offered.");
            RuleFor(c => c.StartsOn).Must(d => d is null || d.Value.Date >= time.GetUtcNow().UtcDateTime.Date)
                .WithMessage("The start date cannot be in the past.")
                .Must(d => d is null || d.Value.Date <= time.GetUtcNow().UtcDateTime.Date.AddDays(90))
                .WithMessage("The start date must be within 90 days.");
        }
    }

    /// <returns>The new request's id.</returns>
    public async Task<Result<long>> HandleAsync(Viewer viewer, Command command, string correlationId, CancellationToken cancellationToken = default)
    {
        if (viewer.IdentityId is not { } me)
        {
            return ValidationRefusal.OnField(nameof(Command.BeneficiaryId), "Your sign-in is not linked to a person in the directory.");
        }
        var validation = await validator.ValidateAsync(command, cancellationToken);
        if (!validation.IsValid)
        {
            return validation.ToRefusal();
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var entitlement = await db.Entitlements.Include(e => e.Resource).FirstOrDefaultAsync(e => e.Id == command.EntitlementId, cancellationToken);
        if (entitlement is null || !entitlement.IsRequestable)
        {
            return ValidationRefusal.OnField(nameof(Command.EntitlementId), "That entitlement does not exist or cannot be requested.");
        }
        var requester = await db.Identities.FirstAsync(i => i.Id == me, cancellationToken);
        var beneficiary = await db.Identities.FirstOrDefaultAsync(i => i.Id == command.BeneficiaryId, cancellationToken);
        if (beneficiary is null || (beneficiary.Id != me && beneficiary.OwnerId != me))
        {
            return ValidationRefusal.OnField(nameof(Command.BeneficiaryId), "You can request access only for yourself or for an agent or key you own.");
        }
        if (await KeyWorkspaceAsync(db, beneficiary, entitlement, cancellationToken) is { } home && home.Id != entitlement.ResourceId)
        {
            return ValidationRefusal.OnField(nameof(Command.EntitlementId),
                $"{beneficiary.DisplayName} is a key of the {home.Name} workspace and works only there: it cannot hold a role in {entitlement.Resource.Name}.");
        }
        // The entitlement's own limit and its approval policy's: the shorter wins.
        var policy = await ApprovalPolicies.ForAsync(db, entitlement.Id, entitlement.ResourceId, cancellationToken);
        var maxDays = ApprovalPolicies.MaxDurationDays(entitlement, policy);
        if (command.DurationDays is null && !ApprovalPolicies.AllowsPermanent(entitlement, policy))
        {
            return ValidationRefusal.OnField(nameof(Command.DurationDays), $"This access is time-bound: choose a duration of at most {maxDays} days.");
        }
        if (command.DurationDays > maxDays)
        {
            return ValidationRefusal.OnField(nameof(Command.DurationDays), $"{entitlement.DisplayName} can be granted for at most {maxDays} days.");
        }
        if (await db.Grants.AnyAsync(g => g.IdentityId == beneficiary.Id && g.EntitlementId == entitlement.Id && g.EndedAt == null, cancellationToken))
        {
            return ValidationRefusal.OnField(nameof(Command.EntitlementId), $"{beneficiary.DisplayName} already holds {entitlement.DisplayName}.");
        }
        if (await db.AccessRequests.AnyAsync(r => r.BeneficiaryId == beneficiary.Id && r.EntitlementId == entitlement.Id
                && (r.Status == AccessRequestStatus.Pending || r.Status == AccessRequestStatus.Approved), cancellationToken))
        {
            return ValidationRefusal.OnField(nameof(Command.EntitlementId), $"There is already an open request for {entitlement.DisplayName} for {beneficiary.DisplayName}.");
        }

        var now = time.GetUtcNow();
        List<ApprovalStep> steps;
        try
        {
            steps = await ApprovalRouting.StepsForAsync(db, requester, beneficiary, entitlement, now, cancellationToken);
        }
        catch (InvalidOperationException ex)
        {
            return ValidationRefusal.OnField(nameof(Command.EntitlementId), ex.Message);
        }
        var request = new AccessRequest
        {
            RequesterId = me, BeneficiaryId = beneficiary.Id, EntitlementId = entitlement.Id,
            Justification = command.Justification.Trim(), RequestedAt = now,
            StartsAt = command.StartsOn is { } start ? new DateTimeOffset(DateTime.SpecifyKind(start.Date, DateTimeKind.Utc)) : now,
            DurationDays = command.DurationDays, Status = AccessRequestStatus.Pending, Steps = steps,
        };
        db.AccessRequests.Add(request);
        db.Audit(new AuditActor(me, viewer.Name, now, correlationId), "request.submitted", request,
            after: new { entitlement = entitlement.DisplayName, beneficiary = beneficiary.DisplayName, request.Justification, request.DurationDays,
                approvers = steps.Select(s => s.ApproverId) }, identityId: beneficiary.Id);
        await db.SaveChangesAsync(cancellationToken);
        return request.Id;
    }

    /// <summary>
    /// The workspace an API key belongs to (its open key grant's), when the request is for a workspace role: a Claude key
    /// is created in one workspace and can act only there, so a staging key asking for a prod role would be given access it
    /// can never use, or a way across environments. Null for people, agents and service accounts, and for keys the
    /// directory has not placed.
    /// </summary>
    private static Task<Resource?> KeyWorkspaceAsync(ReviewPortalDbContext db, Identity beneficiary, Entitlement entitlement,
        CancellationToken cancellationToken) =>
        beneficiary.Kind == IdentityKind.ApiKey && entitlement.Resource.Kind == ResourceKind.Workspace
            ? db.Grants.Where(g => g.IdentityId == beneficiary.Id && g.EndedAt == null && g.Entitlement.Kind == EntitlementKind.ApiKey)
                .Select(g => g.Entitlement.Resource).FirstOrDefaultAsync(cancellationToken)
            : Task.FromResult<Resource?>(null);
}
