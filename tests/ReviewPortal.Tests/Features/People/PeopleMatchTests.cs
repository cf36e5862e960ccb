using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using ReviewPortal.Tests.Features.Connectors;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Connectors;

namespace ReviewPortal.Tests.Features.People;

/// <summary>
/// The directory sync gives Claude's people the people directory's context, matched by email whatever its case: a
/// manager without a Claude seat gets an identity of their own, which becomes their Claude identity (same row) when
/// they get an account; an address two directory people share matches nobody and is reported.
/// </summary>
public sealed class PeopleMatchTests : IAsyncLifetime
{
    private readonly ConnectorPortalFactory _portal = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _portal.DisposeAsync();

    /// <summary>A directory keyed by its own ids (as Entra's object ids are), not by Claude's.</summary>
    private sealed class Directory(params HrPerson[] people) : IHrDirectory
    {
        public Task<HrSnapshot> ReadAsync(CancellationToken cancellationToken) =>
            Task.FromResult(new HrSnapshot(people, new Dictionary<string, string>()));
    }

    private async Task<Identity?> IdentityAsync(string externalId)
    {
        await using var db = await _portal.CreateDbContextAsync();
        return await db.Identities.AsNoTracking().Include(i => i.Manager).SingleOrDefaultAsync(i => i.ExternalId == externalId);
    }

    [Fact]
    public async Task Sync_MatchesByEmailIgnoringCase_ManagerWithoutSeatGetsAnIdentity_SharedAddressesReported()
    {
        var people = _portal.Organization.People.Where(p => p.Employed).Take(3).ToList();
        var (ann, bob, other) = (people[0], people[1], people[2]);
        var hr = new Directory(
            new HrPerson("oid-ann", ann.Email.ToUpperInvariant(), "Ann (HR name)", "Legal", "Counsel", "oid-boss", true, null),
            new HrPerson("oid-bob", bob.Email, bob.FullName, "Legal", "Paralegal", "oid-ann", true, null),
            new HrPerson("oid-boss", "general.counsel@northwind.example", "Gina Counsel", "Legal", "General Counsel", null, true, null),
            new HrPerson("oid-twin1", "shared@northwind.example", "Twin One", "Ops", "Clerk", null, true, null),
            new HrPerson("oid-twin2", "SHARED@northwind.example", "Twin Two", "Ops", "Clerk", null, true, null));

        var run = await _portal.SyncJobWith(hr: hr).RunAsync();

        Assert.Equal(IngestionRunStatus.Succeeded, run.Status);
        var annIdentity = (await IdentityAsync(ann.UserId))!;
        Assert.Equal(("oid-ann", "Legal", "Counsel", "hr:oid-boss"),
            (annIdentity.DirectoryId, annIdentity.Department, annIdentity.Title, annIdentity.Manager?.ExternalId));
        Assert.Equal(ann.UserId, (await IdentityAsync(bob.UserId))!.Manager?.ExternalId);
        var boss = (await IdentityAsync("hr:oid-boss"))!;
        Assert.Equal((IdentityKind.Person, "general.counsel@northwind.example", "oid-boss"), (boss.Kind, boss.Email, boss.DirectoryId));
        // Two people with one address: neither is guessed onto an account, both are kept apart and the address reported.
        Assert.NotNull(await IdentityAsync("hr:oid-twin1"));
        Assert.NotNull(await IdentityAsync("hr:oid-twin2"));
        Assert.Equal(["shared@northwind.example"], JsonDocument.Parse(run.Details!).RootElement.GetProperty("sharedEmails")
            .EnumerateArray().Select(e => e.GetString()));
        // In Claude, unknown to the directory: no directory id.
        Assert.Null((await IdentityAsync(other.UserId))!.DirectoryId);
    }

    [Fact]
    public async Task DirectoryOnlyPerson_GetsAClaudeAccount_TheSameIdentityTakesTheAccountsKey()
    {
        var people = _portal.Organization.People.Where(p => p.Employed).Take(2).ToList();
        var (manager, report) = (people[0], people[1]);
        var hr = new Directory(
            new HrPerson("oid-manager", manager.Email, manager.FullName, "Legal", "Head", null, true, null),
            new HrPerson("oid-report", report.Email, report.FullName, "Legal", "Clerk", "oid-manager", true, null));
        // First sync: the manager has no Claude account yet.
        var withoutManager = new EditedDirectoryClient(_portal.Compliance) { Users = (_, users) => users.Where(u => u.Id != manager.UserId) };
        await _portal.SyncJobWith(compliance: withoutManager, hr: hr).RunAsync();
        var before = (await IdentityAsync("hr:oid-manager"))!;

        await _portal.SyncJobWith(hr: hr).RunAsync();

        Assert.Null(await IdentityAsync("hr:oid-manager"));
        var after = (await IdentityAsync(manager.UserId))!;
        Assert.Equal((before.Id, "oid-manager"), (after.Id, after.DirectoryId));
        Assert.Equal(before.Id, (await IdentityAsync(report.UserId))!.ManagerId);
        await using var db = await _portal.CreateDbContextAsync();
        Assert.Equal(1, await db.Identities.CountAsync(i => i.DirectoryId == "oid-manager"));
    }
}
