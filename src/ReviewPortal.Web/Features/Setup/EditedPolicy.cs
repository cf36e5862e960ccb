using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Identities;

namespace ReviewPortal.Web.Features.Setup;

/// <summary>The policy open in the editor: an existing one (with the version the admin saw) or a new one for a target.</summary>
public sealed record EditedPolicy(string Key, string Name, int? PolicyId, SaveApprovalPolicy.Command Command, PersonOption? Second, PersonOption? Fallback)
{
    public bool IsNew => PolicyId is null;

    public static EditedPolicy From(ApprovalPolicyRow row) => new(row.ScopeKey, row.Scope == ApprovalPolicyScope.Default ? "the default policy" : row.Target, row.Id,
        new SaveApprovalPolicy.Command
        {
            Scope = row.Scope, EntitlementId = row.EntitlementId, ResourceId = row.ResourceId, Flow = row.Flow,
            SecondApproverId = row.SecondApprover?.Id, FallbackApproverId = row.FallbackApprover?.Id, EscalateAfterDays = row.EscalateAfterDays,
            MaxDurationDays = row.MaxDurationDays, ExpectedVersion = row.Version,
        },
        Option(row.SecondApprover), Option(row.FallbackApprover));

    public static EditedPolicy New(ApprovalPolicyScope scope, int? id, string name)
    {
        var entitlementId = scope == ApprovalPolicyScope.Entitlement ? id : null;
        var resourceId = scope == ApprovalPolicyScope.Resource ? id : null;
        return new(ApprovalPolicy.ScopeKeyOf(scope, entitlementId, resourceId), name, null,
            new SaveApprovalPolicy.Command { Scope = scope, EntitlementId = entitlementId, ResourceId = resourceId }, null, null);
    }

    private static PersonOption? Option(PersonRef? person) => person is null ? null : new PersonOption(person.Id, person.DisplayName, null, null);
}
