using Microsoft.EntityFrameworkCore;
using ReviewPortal.Claude;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Email;
using ReviewPortal.Web.Features.Remediation;
using ReviewPortal.Web.Features.Setup;
using ReviewPortal.Web.Infrastructure.Jobs;

namespace ReviewPortal.Web.Features.Connectors;

/// <summary>
/// Directory sync: the Compliance directory (organizations, users with their org role, groups and
/// members), the Admin API (workspaces and members, API keys) and HR context become identities,
/// resources, entitlements and grants. A grant that disappears upstream is closed with its end
/// time, never deleted. One unit of work per sync; every grant opened or closed is audited. A sync that would close
/// too many grants at once is blocked by the <see cref="MassChangeGuard"/> and changes nothing.
/// </summary>
public sealed class SyncDirectoryJob(
    IDbContextFactory<ReviewPortalDbContext> contexts,
    IComplianceClient compliance,
    IAdminClient admin,
    IHrDirectory hr,
    DatabaseLease leases,
    VerifyRemediation verifyRemediation,
    IngestionOptions options,
    AdminAlerts alerts,
    TimeProvider time,
    ILogger<SyncDirectoryJob> logger)
{
    public const string JobName = "sync-directory";
    /// <summary>The key of the Console organization's Default Workspace (never listed by the Admin API) is this and the org's uuid.</summary>
    public const string DefaultWorkspacePrefix = "default-workspace:";

    public Task<IngestionRun> RunAsync(CancellationToken cancellationToken = default) => SyncAsync(approval: null, cancellationToken);

    /// <summary>
    /// An admin's "apply anyway" (<see cref="ApplyBlockedSync"/>): one sync that may close up to
    /// <paramref name="approvedClosures"/> grants, what the blocked run <paramref name="blockedRunId"/> would have closed.
    /// A bigger change is blocked again.
    /// </summary>
    public Task<IngestionRun> RunApprovedAsync(long blockedRunId, int approvedClosures, CancellationToken cancellationToken = default) =>
        SyncAsync(new Approval(blockedRunId, approvedClosures), cancellationToken);

    private sealed record Approval(long BlockedRunId, int Closures);

    private async Task<IngestionRun> SyncAsync(Approval? approval, CancellationToken cancellationToken)
    {
        await using var lease = await leases.TryAcquireAsync(JobName, TimeSpan.FromMinutes(30), cancellationToken);
        if (lease is null)
        {
            return new IngestionRun { Job = JobName, Status = IngestionRunStatus.Skipped, StartedAt = time.GetUtcNow() };
        }
        // From here on the run stops when its lease is lost (another node has taken it over).
        cancellationToken = lease.Token;
        var run = new IngestionRun { Job = JobName, Status = IngestionRunStatus.Running, StartedAt = time.GetUtcNow() };
        try
        {
            var snapshot = await DirectorySnapshot.ReadAsync(compliance, admin, hr, cancellationToken);
            run.Fetched = snapshot.Organizations.Sum(o => o.Users.Count) + snapshot.Groups.Sum(g => g.Members.Count)
                + snapshot.Workspaces.Sum(w => w.Members.Count) + snapshot.ApiKeys.Count;
            // One record whose key is too long for its column is left out, not allowed to fail the whole sync.
            snapshot = DirectoryLimits.Screen(snapshot);
            foreach (var reason in snapshot.Skipped)
            {
                logger.LogWarning("Directory sync skipped {Record}", reason);
            }
            run.Quarantined = snapshot.Skipped.Count;
            run = await ApplyAsync(snapshot, run, approval, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            run.Status = IngestionRunStatus.Failed;
            run.Error = ConnectorError.Describe(ex);
            run.EndedAt = time.GetUtcNow();
            logger.LogError(ex, "Directory sync failed");
            await using var db = await contexts.CreateDbContextAsync(CancellationToken.None);
            db.IngestionRuns.Add(run);
            db.Audit(AuditActor.System(JobName, run.EndedAt.Value, Guid.NewGuid().ToString("N")), "connector.directory-sync-failed",
                new AuditTarget("Connector", "claude"), after: new { run.Error });
            await db.SaveChangesAsync(CancellationToken.None);
            throw;
        }
        if (run.Status == IngestionRunStatus.Succeeded)
        {
            await VerifyRemediationAsync(run, cancellationToken);
        }
        return run;
    }

    /// <summary>
    /// After the sync has committed, still under its lease (no other sync can move grants meanwhile). Not inside the
    /// sync's transaction: a verification problem must neither roll back nor fail a good sync, and verification is a
    /// scan of task states, so if it is skipped the next sync verifies the same tasks.
    /// </summary>
    private async Task VerifyRemediationAsync(IngestionRun run, CancellationToken cancellationToken)
    {
        try
        {
            await verifyRemediation.RunAsync(run.StartedAt, $"sync-run-{run.Id}", cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Remediation verification after directory sync {RunId} failed; the next sync retries it", run.Id);
        }
    }

    /// <summary>The whole sync is one unit of work; it returns the run as saved.</summary>
    private async Task<IngestionRun> ApplyAsync(DirectorySnapshot snapshot, IngestionRun run, Approval? approval, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var actor = AuditActor.System(JobName, now, $"sync-{Guid.NewGuid():N}");
        var (saved, opened, closed) = await contexts.WriteAsync((db, ct) => WriteSnapshotAsync(db, snapshot, run.Copy(), approval, actor, now, ct), cancellationToken);
        if (saved.Status == IngestionRunStatus.Blocked)
        {
            logger.LogError("Directory sync {RunId} blocked, nothing changed: {Reason}", saved.Id, saved.Error);
        }
        else
        {
            logger.LogInformation("Directory sync: {Opened} grants opened, {Closed} closed", opened, closed);
        }
        return saved;
    }

    private async Task<(IngestionRun Run, int Opened, int Closed)> WriteSnapshotAsync(ReviewPortalDbContext db, DirectorySnapshot snapshot,
        IngestionRun run, Approval? approval, AuditActor actor, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // A sync the guard blocks changes nothing, though it has written identities before the guard judges (a chunk at a time,
        // to keep its memory bounded): they are rolled back to here.
        const string beforeSync = "before-directory-sync";
        await db.Database.CurrentTransaction!.CreateSavepointAsync(beforeSync, cancellationToken);
        var model = await DirectoryModel.LoadAsync(db, cancellationToken);

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
        await model.WriteIdentitiesAsync(changed: null, cancellationToken);

        // Managers and owners by id, now that every identity has one. An owner is applied once per NHI, so it (and its
        // version) moves only when upstream's answer did.
        var referencing = new HashSet<Identity>(ReferenceEqualityComparer.Instance);
        foreach (var (person, manager) in managers.Where(m => m.Person.ManagerId != m.Manager?.Id))
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

        await model.LoadResourcesAsync(cancellationToken);
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
        var desired = new List<(Identity Identity, Entitlement Entitlement, DateTimeOffset Since)>();
        var ownedResources = new List<(Resource Resource, Identity Owner)>();
        foreach (var org in snapshot.Organizations)
        {
            var resource = model.FindResource(org.Organization.Uuid)!;
            foreach (var user in org.Users.Where(u => u.OrganizationRole is not null))
            {
                var role = user.OrganizationRole!;
                desired.Add((model.FindIdentity(user.Id)!, model.Entitlement(resource, EntitlementKind.OrgRole, role,
                    ClaudeEntitlements.OrgRoleName(role, org.IsConsole), ClaudeEntitlements.IsPrivileged(role)), user.CreatedAt ?? now));
            }
        }
        foreach (var (group, members) in snapshot.Groups)
        {
            var resource = model.Resource(group.Id, ResourceKind.Group, group.Name, Platform.ClaudeEnterprise, group.CreatedAt ?? now);
            resource.Parent ??= enterprise;
            var membership = model.Entitlement(resource, EntitlementKind.GroupMembership, "member", $"{group.Name} group member", false);
            membership.IsRequestable = group.SourceType != "scim";
            foreach (var member in members)
            {
                desired.Add((model.FindIdentity(member.UserId)!, membership, member.CreatedAt ?? now));
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
                entitlement.IsRequestable = role is "workspace_user" or "workspace_developer";
                entitlement.MaxDurationDays ??= entitlement.IsRequestable ? 180 : null;
                entitlement.AllowsPermanent = !entitlement.IsRequestable;
                desired.Add((model.FindIdentity(member.UserId)!, entitlement, now));
            }
            // Demo mode has no owner directory: the workspace's first employed admin answers for it until an admin assigns one.
            var firstAdmin = members.Where(m => m.WorkspaceRole == "workspace_admin")
                .Select(m => model.FindIdentity(m.UserId)).OfType<Identity>()
                .Where(i => i.EmploymentStatus == EmploymentStatus.Active).OrderBy(i => i.ExternalId, StringComparer.Ordinal).FirstOrDefault();
            if (Ownership.Suggest(resource, firstAdmin) && !model.IsNew(resource))
            {
                ownedResources.Add((resource, firstAdmin!));
            }
        }
        foreach (var key in snapshot.ApiKeys.Where(k => k.Status == "active"))
        {
            var resource = key.WorkspaceId is { } ws && model.FindResource(ws) is { } found ? found
                : model.Resource($"{DefaultWorkspacePrefix}{console?.ExternalId ?? "console"}", ResourceKind.Workspace, "Default workspace",
                    Platform.ClaudeConsole, now);
            resource.Parent ??= console;
            var entitlement = model.Entitlement(resource, EntitlementKind.ApiKey, "active", $"{resource.Name}: API key", false);
            desired.Add((model.FindIdentity(key.Id)!, entitlement, key.CreatedAt ?? now));
        }

        // Tie entitlements' "reduce to" after all exist.
        foreach (var entitlement in model.Entitlements.Where(e => e.ReducesTo is null && ClaudeEntitlements.ReducesTo(e.Value) is not null))
        {
            entitlement.ReducesTo = model.Entitlements.FirstOrDefault(e => e.Resource == entitlement.Resource && e.Kind == entitlement.Kind
                && e.Value == ClaudeEntitlements.ReducesTo(entitlement.Value));
        }
        shortened += model.ShortenDisplayText();

        // Judged before any grant is written. No open grant can point at an identity or entitlement new in this sync, so
        // the grants to close are known now.
        // Read as keys, not entities: at 110,000 open grants tracked entities would be most of the sync's memory.
        var open = await db.Grants.AsNoTracking().Where(g => g.EndedAt == null)
            .Select(g => new OpenGrant(g.Id, g.IdentityId, g.EntitlementId, g.Source, g.LastSeenInSyncAt != null))
            .ToListAsync(cancellationToken);
        // Only grants this sync is the source of truth for; requested grants not yet provisioned are left alone.
        var governed = open.Where(g => g.Source != GrantSource.AccessRequest || g.SeenInSync).ToList();
        var kept = desired.Select(d => (d.Identity.Id, d.Entitlement.Id)).ToHashSet();
        var closing = governed.Where(g => !kept.Contains((g.IdentityId, g.EntitlementId))).Select(g => g.Id).ToList();
        var change = MassChangeGuard.ForGrants(options).Judge(governed.Count, closing.Count, approval?.Closures ?? 0);
        if (change.Blocked)
        {
            // Everything staged or saved above (identities, resources, entitlements) is dropped: a blocked sync changes nothing.
            await db.Database.CurrentTransaction!.RollbackToSavepointAsync(beforeSync, cancellationToken);
            db.ChangeTracker.Clear();
            return (await BlockAsync(db, run, change, approval, actor, now, cancellationToken), 0, 0);
        }
        // Audited only once the guard let the sync through (a blocked sync's staged changes are dropped, so must its entries be).
        foreach (var (nhi, before, after) in ownerChanges)
        {
            db.Audit(actor, SetupWords.IdentityOwnerChanged, nhi, Ownership.Words(before, "the directory"),
                Ownership.Words(after, "the directory (the key's creator or sponsor)"), identityId: nhi.Id);
        }
        foreach (var (resource, owner) in ownedResources)
        {
            db.Audit(actor, SetupWords.ResourceOwnersChanged, resource, Ownership.Words(null, "nobody"),
                Ownership.Words(owner, "the directory sync (the workspace's first employed admin)"));
        }
        // Resources and entitlements saved (identities were): from here on the sync needs their ids only.
        await db.SaveChunkAsync(cancellationToken);

        var (opened, closed) = await ReconcileGrantsAsync(db, open, closing, desired, actor, now, cancellationToken);
        var history = await AccessChangeHistory.AttachAsync(db, now, cancellationToken);
        run.Stored = opened;
        run.Details = System.Text.Json.JsonSerializer.Serialize(new
        {
            opened, closed, history, identities = model.IdentityCount, resources = model.ResourceCount, shortened,
            skipped = snapshot.Skipped.Take(20), approvedRun = approval?.BlockedRunId, sharedEmails = sharedEmails.Take(20),
        });
        run.EndedAt = time.GetUtcNow();
        run.Status = IngestionRunStatus.Succeeded;
        db.IngestionRuns.Add(run);
        db.Audit(actor, "connector.directory-sync", run, after: new
        {
            opened, closed, run.Fetched, skipped = run.Quarantined, approvedRun = approval?.BlockedRunId, approvedClosures = approval?.Closures,
        });
        await db.SaveChangesAsync(cancellationToken);
        return (run, opened, closed);
    }

    /// <summary>
    /// The blocked run, its audit entry and the IAM team's alert, in the sync's unit of work. Every blocked run is
    /// recorded and audited; the alert mail goes out once a day (<see cref="AdminAlerts"/>).
    /// </summary>
    private async Task<IngestionRun> BlockAsync(ReviewPortalDbContext db, IngestionRun run, MassChange change, Approval? approval,
        AuditActor actor, DateTimeOffset now, CancellationToken cancellationToken)
    {
        run.Status = IngestionRunStatus.Blocked;
        run.Error = MaxLengths.Truncate(BlockedDirectorySync.Describe(change, options), MaxLengths.IngestionRun.Error);
        run.Details = BlockedDirectorySync.DetailsJson(change, approval?.BlockedRunId);
        run.EndedAt = time.GetUtcNow();
        db.IngestionRuns.Add(run);
        var alerted = await alerts.EnqueueAsync(db, BlockedDirectorySync.AlertCondition,
            mail => EmailMessages.DirectorySyncBlocked(mail, change.Removing, change.Total, change.Limit, now), now, cancellationToken);
        db.Audit(actor, "connector.directory-sync-blocked", run, after: new
        {
            wouldClose = change.Removing, openGrants = change.Total, change.Limit, run.Fetched, approvedRun = approval?.BlockedRunId,
            alertedTo = alerts.To, alertQueued = alerted,
        });
        await db.SaveChangesAsync(cancellationToken);
        return run;
    }

    /// <summary>
    /// Opens the grants upstream has and the portal does not, closes those it no longer has, a chunk at a time
    /// (<see cref="ReviewPortalDbContext.SaveChunkAsync"/>), so a first sync of a whole company holds one chunk in memory.
    /// </summary>
    private static async Task<(int Opened, int Closed)> ReconcileGrantsAsync(ReviewPortalDbContext db, List<OpenGrant> open, List<long> closing,
        List<(Identity Identity, Entitlement Entitlement, DateTimeOffset Since)> desired, AuditActor actor, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var openByKey = open.GroupBy(g => (g.IdentityId, g.EntitlementId)).ToDictionary(g => g.Key, g => g.First());
        var wanted = desired.DistinctBy(d => (d.Identity.Id, d.Entitlement.Id)).ToList();
        var firstSeen = new List<long>();
        var opened = 0;
        foreach (var chunk in wanted.Chunk(ChunkSize))
        {
            foreach (var (identity, entitlement, since) in chunk)
            {
                if (openByKey.TryGetValue((identity.Id, entitlement.Id), out var existing))
                {
                    // Stamped once, when a sync first sees the grant: a re-sync where nothing changed writes nothing but its run.
                    if (!existing.SeenInSync)
                    {
                        firstSeen.Add(existing.Id);
                    }
                    continue;
                }
                var grant = new Grant
                {
                    IdentityId = identity.Id, EntitlementId = entitlement.Id, GrantedAt = since > now ? now : since,
                    Source = GrantSource.DirectorySync, LastSeenInSyncAt = now,
                };
                grant.History.Add(new GrantEvent { OccurredAt = now, Kind = "seen-in-sync", Detail = $"{entitlement.DisplayName} present upstream", ActorDescription = actor.Name });
                db.Grants.Add(grant);
                db.Audit(actor, "grant.opened", grant, after: new { identity = identity.ExternalId, entitlement = entitlement.DisplayName, source = "directory-sync" }, identityId: identity.Id);
                opened++;
            }
            await db.SaveChunkAsync(cancellationToken);
        }
        foreach (var chunk in firstSeen.Chunk(ChunkSize))
        {
            await db.Grants.Where(g => chunk.Contains(g.Id))
                .ExecuteUpdateAsync(s => s.SetProperty(g => g.LastSeenInSyncAt, now), cancellationToken);
        }
        var closed = 0;
        foreach (var chunk in closing.Chunk(ChunkSize))
        {
            foreach (var grant in await db.Grants.Where(g => chunk.Contains(g.Id)).ToListAsync(cancellationToken))
            {
                grant.Close(now);
                grant.History.Add(new GrantEvent { OccurredAt = now, Kind = "removed-upstream", Detail = "No longer present in the directory", ActorDescription = actor.Name });
                db.Audit(actor, "grant.closed", grant, after: new { reason = "absent from directory sync", endedAt = now }, identityId: grant.IdentityId);
                closed++;
            }
            await db.SaveChunkAsync(cancellationToken);
        }
        return (opened, closed);
    }

    private const int ChunkSize = 1_000;

    /// <summary>An open grant as the sync compares it: its key, its source and whether a sync has seen it upstream yet.</summary>
    private sealed record OpenGrant(long Id, int IdentityId, int EntitlementId, GrantSource Source, bool SeenInSync);
}
