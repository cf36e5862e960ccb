using ReviewPortal.Web.Domain;

namespace ReviewPortal.Web.Features.Connectors;

/// <summary>
/// What the directory sync makes of an upstream snapshot: identities (people matched to the people directory by email,
/// API keys, service accounts, with their managers and owners), and resources, entitlements and desired grants under the
/// <see cref="ClaudeEntitlements"/> policy. The job (<see cref="SyncDirectoryJob"/>) runs it inside its unit of work,
/// judges the result with the mass-change guard, and hands the desired grants to the <see cref="GrantReconciler"/>.
/// </summary>
internal static class DirectoryMapping
{
    /// <summary>The sync's identity-related outcome: addresses nobody could be matched by, owners moved, values shortened.</summary>
    public sealed record PeopleSynced(IReadOnlyList<string> SharedEmails, List<(Identity Nhi, Identity? Before, Identity After)> OwnerChanges, int Shortened);

    /// <summary>
    /// People (Claude members and the people directory's, matched by email), API keys and service accounts, written a chunk
    /// at a time; then managers and NHI owners by id, once every identity has one.
    /// </summary>
    public static async Task<PeopleSynced> SyncIdentitiesAsync(DirectoryModel model, DirectorySnapshot snapshot, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        // People: every current member, plus the people directory's (matched by email), leavers included: they may still own keys.
        var (personKeys, sharedEmails) = PeopleMatch.Match(snapshot, model);
        foreach (var user in snapshot.Organizations.SelectMany(o => o.Users).DistinctBy(u => u.Id))
        {
            var person = model.Identity(user.Id, IdentityKind.Person, user.FullName ?? user.Email, user.CreatedAt ?? now);
            person.DisplayName = user.FullName ?? user.Email;
            person.Email = user.Email.ToLowerInvariant();
            person.Status = "active";
            person.LastSyncedAt ??= now;
        }
        foreach (var p in snapshot.Hr.People)
        {
            var person = model.Identity(personKeys[p.UserId], IdentityKind.Person, p.FullName, now);
            person.DisplayName = p.FullName;
            person.Email ??= p.Email.ToLowerInvariant();
            person.DirectoryId = p.UserId;
            person.Department = p.Department;
            person.Title = p.Title;
            person.EmploymentStatus = p.Employed ? EmploymentStatus.Active : EmploymentStatus.Departed;
            person.DepartedAt = p.Employed ? null : p.DepartedAt;
            if (!p.Employed) person.Status = "removed";
        }
        var managers = snapshot.Hr.People.Select(p => (Person: model.FindIdentity(personKeys[p.UserId])!,
            Manager: p.ManagerUserId is not null && personKeys.TryGetValue(p.ManagerUserId, out var manager) ? model.FindIdentity(manager) : null)).ToList();

        // Non-human identities: API keys (owner = the user who created it, else its user principal) and service accounts.
        var upstreamOwners = new Dictionary<Identity, Identity>(ReferenceEqualityComparer.Instance);
        foreach (var key in snapshot.ApiKeys)
        {
            var identity = model.Identity(key.Id, IdentityKind.ApiKey, key.Name, key.CreatedAt ?? now);
            identity.DisplayName = key.Name;
            identity.Status = key.Status;
            identity.KeyHint = key.PartialKeyHint;
            identity.LastSyncedAt ??= now;
            var ownerId = key.CreatedBy is { Type: "user" } creator ? creator.Id
                : key.Principal is { Type: "user" } principal ? principal.Id : null;
            if (key.Principal is { Type: "service_account" } sa)
            {
                var account = model.Identity(sa.Id, IdentityKind.ServiceAccount, sa.Id, key.CreatedAt ?? now);
                account.LastSyncedAt ??= now;
                ownerId ??= snapshot.Hr.SponsorByNonHumanId.GetValueOrDefault(sa.Id);
            }
            if (ownerId is not null && model.FindIdentity(ownerId) is { } upstreamOwner)
            {
                upstreamOwners[identity] = upstreamOwner;
            }
        }
        foreach (var (nhiId, sponsor) in snapshot.Hr.SponsorByNonHumanId)
        {
            if (model.FindIdentity(nhiId) is { } nhi && model.FindIdentity(sponsor) is { } owner)
            {
                upstreamOwners[nhi] = owner;
            }
        }
        // Members the listings above did not name: known by their id until the directory lists them.
        foreach (var member in snapshot.Groups.SelectMany(g => g.Members).Where(m => model.FindIdentity(m.UserId) is null))
        {
            model.Identity(member.UserId, IdentityKind.Person, member.Email ?? member.UserId, now);
        }
        foreach (var member in snapshot.Workspaces.SelectMany(w => w.Members).Where(m => model.FindIdentity(m.UserId) is null))
        {
            model.Identity(member.UserId, IdentityKind.Person, member.UserId, now);
        }
        var shortened = model.ShortenDisplayText();
        var managerOf = new Dictionary<Identity, Identity?>(ReferenceEqualityComparer.Instance);
        foreach (var (person, manager) in managers)
        {
            managerOf[person] = manager;
        }
        // New identities go in managers before their reports and people before keys, each with the manager and owner that
        // have an id by then: a first sync inserts 70,000 identities with their references instead of updating each after.
        int Depth(Identity person, int hops) =>
            hops < 64 && managerOf.GetValueOrDefault(person) is { } manager ? Depth(manager, hops + 1) + 1 : 0;
        await model.WriteIdentitiesAsync(changed: null, cancellationToken,
            insertOrder: identity => identity.Kind == IdentityKind.Person ? Depth(identity, 0) : int.MaxValue,
            beforeInsert: identity =>
            {
                if (managerOf.TryGetValue(identity, out var manager) && manager is not { Id: 0 })
                {
                    identity.ManagerId = manager?.Id;
                }
                if (upstreamOwners.TryGetValue(identity, out var owner) && owner.Id != 0)
                {
                    Ownership.FromUpstream(identity, owner);
                }
            });

        // The rest by id, now that every identity has one. An owner is applied once per NHI, so it (and its version) moves
        // only when upstream's answer did.
        var referencing = new HashSet<Identity>(ReferenceEqualityComparer.Instance);
        foreach (var (person, manager) in managerOf.Where(m => m.Key.ManagerId != m.Value?.Id))
        {
            person.ManagerId = manager?.Id;
            referencing.Add(person);
        }
        var ownerChanges = new List<(Identity Nhi, Identity? Before, Identity After)>();
        foreach (var (nhi, owner) in upstreamOwners)
        {
            var (before, upstreamBefore) = (nhi.OwnerId, nhi.UpstreamOwnerId);
            if (Ownership.FromUpstream(nhi, owner) && !model.IsNew(nhi))
            {
                ownerChanges.Add((nhi, model.FindIdentity(before), owner));
            }
            if (nhi.OwnerId != before || nhi.UpstreamOwnerId != upstreamBefore)
            {
                referencing.Add(nhi);
            }
        }
        await model.WriteIdentitiesAsync(referencing, cancellationToken);
        return new PeopleSynced(sharedEmails, ownerChanges, shortened);
    }

    /// <summary>
    /// Organizations, groups and workspaces as resources, their roles as entitlements (under <see cref="ClaudeEntitlements"/>'
    /// policy), and every membership, role and active key upstream has as a desired grant. Workspaces nobody owns get the
    /// policy's suggested owner; those that existed before are listed for the audit.
    /// </summary>
    /// <param name="feedNhiIds">
    /// The external ids of Admin API keys and federated workloads the Activity Feed has named (no listing names them): each
    /// holds the organization access its kind gives (<see cref="ClaudeEntitlements.OrganizationAccess"/>), so a campaign over
    /// those kinds has items.
    /// </param>
    public static (List<DesiredGrant> Desired, List<(Resource Resource, Identity Owner)> OwnedResources) MapResourcesAndGrants(
        DirectoryModel model, DirectorySnapshot snapshot, DateTimeOffset now, IReadOnlyCollection<string>? feedNhiIds = null)
    {
        // Resources: organizations (Enterprise parent first), workspaces under the Console org, groups under the parent.
        Resource? enterprise = null, console = null;
        foreach (var org in snapshot.Organizations)
        {
            var resource = model.Resource(org.Organization.Uuid, ResourceKind.Organization, org.Organization.Name,
                org.IsConsole ? Platform.ClaudeConsole : Platform.ClaudeEnterprise, org.Organization.CreatedAt ?? now);
            if (org.IsConsole) console ??= resource; else enterprise ??= resource;
        }
        if (console is not null && enterprise is not null)
        {
            console.Parent = enterprise;
        }

        // Desired grants from upstream.
        var desired = new List<DesiredGrant>();
        var ownedResources = new List<(Resource Resource, Identity Owner)>();
        foreach (var org in snapshot.Organizations)
        {
            var resource = model.FindResource(org.Organization.Uuid)!;
            foreach (var user in org.Users.Where(u => u.OrganizationRole is not null))
            {
                var role = user.OrganizationRole!;
                desired.Add(new DesiredGrant(model.FindIdentity(user.Id)!, model.Entitlement(resource, EntitlementKind.OrgRole, role,
                    ClaudeEntitlements.OrgRoleName(role, org.IsConsole), ClaudeEntitlements.IsPrivileged(role)), user.CreatedAt ?? now));
            }
        }
        foreach (var (group, members) in snapshot.Groups)
        {
            var resource = model.Resource(group.Id, ResourceKind.Group, group.Name, Platform.ClaudeEnterprise, group.CreatedAt ?? now);
            resource.Parent ??= enterprise;
            var membership = model.Entitlement(resource, EntitlementKind.GroupMembership, "member", $"{group.Name} group member", false);
            membership.IsRequestable = ClaudeEntitlements.IsGroupRequestable(group.SourceType);
            foreach (var member in members)
            {
                desired.Add(new DesiredGrant(model.FindIdentity(member.UserId)!, membership, member.CreatedAt ?? now));
            }
        }
        foreach (var (workspace, members) in snapshot.Workspaces)
        {
            var resource = model.Resource(workspace.Id, ResourceKind.Workspace, workspace.Name, Platform.ClaudeConsole, workspace.CreatedAt ?? now);
            resource.Parent ??= console;
            foreach (var member in members)
            {
                var role = member.WorkspaceRole;
                var entitlement = model.Entitlement(resource, EntitlementKind.WorkspaceRole, role,
                    ClaudeEntitlements.WorkspaceRoleName(workspace.Name, role), ClaudeEntitlements.IsPrivileged(role));
                ClaudeEntitlements.ApplyWorkspaceRolePolicy(entitlement);
                desired.Add(new DesiredGrant(model.FindIdentity(member.UserId)!, entitlement, now));
            }
            var suggested = ClaudeEntitlements.SuggestedOwner(members.Where(m => m.WorkspaceRole == "workspace_admin")
                .Select(m => model.FindIdentity(m.UserId)).OfType<Identity>());
            if (Ownership.Suggest(resource, suggested) && !model.IsNew(resource))
            {
                ownedResources.Add((resource, suggested!));
            }
        }
        foreach (var key in snapshot.ApiKeys.Where(k => k.Status == "active"))
        {
            var resource = key.WorkspaceId is { } ws && model.FindResource(ws) is { } found ? found
                : model.Resource($"{SyncDirectoryJob.DefaultWorkspacePrefix}{console?.ExternalId ?? "console"}", ResourceKind.Workspace, "Default workspace",
                    Platform.ClaudeConsole, now);
            resource.Parent ??= console;
            var entitlement = model.Entitlement(resource, EntitlementKind.ApiKey, "active", $"{resource.Name}: API key", false);
            desired.Add(new DesiredGrant(model.FindIdentity(key.Id)!, entitlement, key.CreatedAt ?? now));
            // A service account is in the workspaces its active keys are in: that membership is what a review of it decides.
            if (key.Principal is { Type: "service_account" } sa && model.FindIdentity(sa.Id) is { } account)
            {
                var member = model.Entitlement(resource, EntitlementKind.WorkspaceRole, ClaudeEntitlements.ServiceAccountMember,
                    ClaudeEntitlements.ServiceAccountMemberName(resource.Name), false);
                desired.Add(new DesiredGrant(account, member, key.CreatedAt ?? now));
            }
        }
        // Admin API keys and federated workloads: organization access, on the Console organization where their calls land.
        if ((console ?? enterprise) is { } home)
        {
            foreach (var nhi in (feedNhiIds ?? []).Select(model.FindIdentity).OfType<Identity>())
            {
                if (ClaudeEntitlements.OrganizationAccess(nhi.Kind, home == console) is { } access)
                {
                    desired.Add(new DesiredGrant(nhi, model.Entitlement(home, EntitlementKind.OrgRole, access.Value, access.DisplayName, access.Privileged),
                        nhi.CreatedAt));
                }
            }
        }

        // Tie entitlements' "reduce to" after all exist.
        foreach (var entitlement in model.Entitlements.Where(e => e.ReducesTo is null && ClaudeEntitlements.ReducesTo(e.Value) is not null))
        {
            entitlement.ReducesTo = model.Entitlements.FirstOrDefault(e => e.Resource == entitlement.Resource && e.Kind == entitlement.Kind
                && e.Value == ClaudeEntitlements.ReducesTo(entitlement.Value));
        }
        // Tie entitlements' "reduce to" after all exist.
        foreach (var entitlement in model.Entitlements.Where(e => e.ReducesTo is null && ClaudeEntitlements.ReducesTo(e.Value) is not null))
        {
            entitlement.ReducesTo = model.Entitlements.FirstOrDefault(e => e.Resource == entitlement.Resource && e.Kind == entitlement.Kind
                && e.Value == ClaudeEntitlements.ReducesTo(entitlement.Value));
        }
        return (desired, ownedResources);
    }
}
