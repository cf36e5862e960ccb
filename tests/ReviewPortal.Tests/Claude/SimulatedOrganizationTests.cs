using Microsoft.Extensions.Time.Testing;
using ReviewPortal.Claude;
using ReviewPortal.Claude.Models;
using ReviewPortal.Claude.Simulation;

namespace ReviewPortal.Tests.Claude;

/// <summary>The synthetic company: deterministic, fast, and shaped like the stories access reviews must catch.</summary>
public class SimulatedOrganizationTests
{
    internal static readonly DateTimeOffset Start = new(2026, 8, 3, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Build_SameSeed_ProducesIdenticalData()
    {
        var a = new SimulatedOrganization(new SimulationOptions { Seed = 11 }, new FakeTimeProvider(Start));
        var b = new SimulatedOrganization(new SimulationOptions { Seed = 11 }, new FakeTimeProvider(Start));
        var c = new SimulatedOrganization(new SimulationOptions { Seed = 12 }, new FakeTimeProvider(Start));

        Assert.Equal(a.People, b.People);
        Assert.Equal(a.ApiKeyList, b.ApiKeyList);
        Assert.Equal(a.Events.Select(e => e.Json), b.Events.Select(e => e.Json));
        Assert.Equal(a.ParentOrganizationUuid, b.ParentOrganizationUuid);
        Assert.NotEqual(a.People.Select(p => p.UserId), c.People.Select(p => p.UserId));
    }

    [Fact]
    public void Build_ActivityIds_AreUniqueAndPrefixed()
    {
        var organization = new SimulatedOrganization(new SimulationOptions(), new FakeTimeProvider(Start));

        Assert.All(organization.Events, e => Assert.StartsWith("activity_", e.Id, StringComparison.Ordinal));
        Assert.All(organization.Events, e => Assert.True(e.CreatedAt < organization.Anchor, $"{e.Type} at {e.CreatedAt} is after the history end"));
        Assert.Equal(organization.Events.Count, organization.Events.Select(e => e.Id).Distinct().Count());
    }

    [Fact]
    public void HrView_HasCeoAtTopAndAManagerTree()
    {
        var organization = new SimulatedOrganization(new SimulationOptions(), new FakeTimeProvider(Start));
        var people = organization.People.ToDictionary(p => p.UserId);

        var ceo = Assert.Single(organization.People, p => p.ManagerUserId is null);
        Assert.Equal("Chief Executive Officer", ceo.Title);
        Assert.True(organization.People.Select(p => p.Department).Distinct().Count() >= 8);
        foreach (var person in organization.People)
        {
            // Every chain ends at the CEO without cycles.
            var current = person;
            for (var hops = 0; current.ManagerUserId is not null; hops++)
            {
                Assert.True(hops < 10, $"manager chain of {person.FullName} does not end");
                current = people[current.ManagerUserId];
            }

            Assert.Equal(ceo.UserId, current.UserId);
        }
    }

    [Fact]
    public void Stories_LeaversOwnActiveKeys_DormantSeatsAndIdleAdminsExist()
    {
        var organization = new SimulatedOrganization(new SimulationOptions(), new FakeTimeProvider(Start));
        var leavers = organization.People.Where(p => !p.Employed).ToList();

        Assert.NotEmpty(leavers);
        Assert.All(leavers, p => Assert.NotNull(p.DepartedAt));
        var leaverIds = leavers.Select(p => p.UserId).ToHashSet();
        Assert.Contains(organization.ApiKeyList, k => k.Status == ApiKeyStatus.Active && leaverIds.Contains(k.CreatedBy!.Id));
        Assert.DoesNotContain(organization.ConsoleMembers, m => leaverIds.Contains(m.UserId));

        var lastSeen = organization.Events.Where(e => e.ActorUserId is not null)
            .GroupBy(e => e.ActorUserId!).ToDictionary(g => g.Key, g => g.Max(e => e.CreatedAt));
        var dormant = organization.People.Where(p => p.Employed && lastSeen.TryGetValue(p.UserId, out var at) && at < Start.AddDays(-40)).ToList();
        Assert.True(dormant.Count >= 10, $"only {dormant.Count} dormant seats");

        var idleAdmins = organization.People.Where(p => p.Profile == "idle-admin").Select(p => p.UserId).ToList();
        Assert.NotEmpty(idleAdmins);
        Assert.All(idleAdmins, id => Assert.Contains(organization.ConsoleMembers, m => m.UserId == id && m.Role == "admin"));
        Assert.DoesNotContain(organization.Events, e => idleAdmins.Contains(e.ActorUserId!) && e.Type is "claude_user_role_updated" or "platform_workspace_member_added");
    }

    [Fact]
    public void Stories_OneKeyHasAboutNineTimesThePeerVolume()
    {
        var organization = new SimulatedOrganization(new SimulationOptions(), new FakeTimeProvider(Start));
        var since = Start.AddDays(-30);
        var perKey = organization.Events
            .Where(e => e.CreatedAt >= since && e.Json.Contains("\"type\":\"api_actor\"", StringComparison.Ordinal))
            .Select(e => System.Text.Json.JsonDocument.Parse(e.Json).RootElement.GetProperty("actor").GetProperty("api_key_id").GetString()!)
            .Where(id => id != SimulatedOrganization.ComplianceKeyId)
            .GroupBy(id => id).Select(g => g.Count()).OrderBy(n => n).ToList();

        var median = perKey[perKey.Count / 2];
        var ratio = (double)perKey[^1] / median;
        Assert.InRange(ratio, 6.0, 13.0);
    }

    [Fact]
    public void Feed_UsesTheActorTheContractAllowsPerType()
    {
        var organization = new SimulatedOrganization(new SimulationOptions(), new FakeTimeProvider(Start));
        var decoded = organization.Events.Select(e => ActivityDecoder.TryDecode(System.Text.Json.JsonDocument.Parse(e.Json).RootElement).Activity!).ToList();

        Assert.All(decoded.Where(a => a.Type == "compliance_api_accessed"), a => Assert.Equal("api_actor", a.Actor.Type));
        Assert.All(decoded.Where(a => a.Type == "sso_login_failed"), a => Assert.Equal("unauthenticated_user_actor", a.Actor.Type));
        Assert.All(decoded.Where(a => a.Type is "sso_login_succeeded" or "claude_chat_created"), a => Assert.Equal("user_actor", a.Actor.Type));
        Assert.All(decoded.Where(a => a.Actor.Type == "service_account_actor"), a => Assert.StartsWith("svac_", a.Actor.ServiceAccountId, StringComparison.Ordinal));
        Assert.All(decoded.Where(a => a.Type == "sso_login_succeeded"), a => Assert.Null(a.OrganizationId));
        foreach (var type in new[] { "claude_user_role_updated", "platform_workspace_member_added", "platform_api_key_created", "api_key_created", "group_member_added", "org_user_deleted" })
        {
            Assert.Contains(decoded, a => a.Type == type);
        }

        Assert.Contains(decoded, a => a.Actor.Type == "system_actor");
        Assert.Contains(decoded, a => a.Actor.Type == "anthropic_actor");
        Assert.Contains(decoded, a => a.Actor.Type == "quantum_entangled_actor");
    }

    [Fact]
    public void Trickle_AddsDeterministicEventsAsTimeAdvances()
    {
        var timeA = new FakeTimeProvider(Start);
        var timeB = new FakeTimeProvider(Start);
        var a = new SimulatedOrganization(new SimulationOptions { TrickleEventsPerMinute = 4 }, timeA);
        var b = new SimulatedOrganization(new SimulationOptions { TrickleEventsPerMinute = 4 }, timeB);
        var before = a.EventCount;

        timeA.Advance(TimeSpan.FromMinutes(10));
        timeB.Advance(TimeSpan.FromMinutes(10));
        lock (a.SyncRoot)
        {
            a.CatchUp();
        }

        lock (b.SyncRoot)
        {
            b.CatchUp();
        }

        Assert.Equal(before + 40, a.EventCount);
        Assert.Equal(a.Events.Select(e => e.Id), b.Events.Select(e => e.Id));
    }
}


public class SimulationSizeTests
{
    // Generation speed is a benchmark figure (docs/performance.md), not a timed unit test.
    [Fact]
    public void Build_Defaults_HasTensOfThousandsOfEventsAndTheDocumentedShape()
    {
        var organization = new SimulatedOrganization(new SimulationOptions(), new FakeTimeProvider(SimulatedOrganizationTests.Start));

        Assert.InRange(organization.EventCount, 20_000, 90_000);
        Assert.Equal(300, organization.People.Count);
        // The 40 configured keys, plus the keys whose only use is Messages (one per ten), added after the feed history.
        Assert.Equal(40 + 4, organization.ApiKeyList.Count);
        Assert.Equal(4, organization.MessagesOnlyKeys.Count);
        Assert.Equal(6, organization.ServiceAccounts.Count);
        Assert.Equal(["prod", "staging", "research", "data-science"], organization.WorkspaceList.Select(w => w.Name));
    }
}
