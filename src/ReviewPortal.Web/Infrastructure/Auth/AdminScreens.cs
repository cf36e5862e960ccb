using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Web.Infrastructure.Auth;

/// <summary>
/// The one rule of every admin screen (campaigns, connectors, people, remediation, lifecycle rules, outbox, setup, audit):
/// admins act, and admins and Compliance read. Handlers ask here and name only what was refused; resources with a rule of
/// their own (a person's access, a review item, an approval step) keep it in their feature (<c>IdentityAccess</c>,
/// <c>ReviewRules</c>, <c>DecideApproval</c>).
/// </summary>
public static class AdminScreens
{
    /// <param name="what">What was asked, as it ends the sentence "Only admins …": "can close campaigns".</param>
    /// <returns>Null when the viewer is an admin.</returns>
    public static Refusal? AdminsOnly(Viewer viewer, string what) =>
        viewer.IsAdmin ? null : Refusal.Forbidden($"Only admins {what}.");

    /// <summary>
    /// For a change recorded under the admin's own name (a launch, a policy, an owner): the admin's identity, refused like
    /// <see cref="AdminsOnly"/> when the viewer is no admin or an admin whose sign-in is linked to no person.
    /// </summary>
    public static Result<int> ActingAdmin(Viewer viewer, string what) =>
        viewer is { IsAdmin: true, IdentityId: { } adminId } ? adminId : Refusal.Forbidden($"Only admins {what}.");

    /// <param name="what">What was asked, as it ends the sentence "Only admins and Compliance …": "can see the campaigns".</param>
    /// <returns>Null when the viewer is an admin or Compliance.</returns>
    public static Refusal? AdminsAndCompliance(Viewer viewer, string what) =>
        viewer.CanReadEverything ? null : Refusal.Forbidden($"Only admins and Compliance {what}.");
}
