using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using MimeKit;
using netDumbster.smtp;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Campaigns;
using ReviewPortal.Web.Features.Email;
using ReviewPortal.Web.Infrastructure.Email;

namespace ReviewPortal.Tests.Features.Email;

/// <summary>
/// The portal on an empty migrated database, mailing a real SMTP listener on loopback (or a
/// pickup folder), with the factory's fake clock. Data is hand-made so expected mails are exact.
/// </summary>
public sealed class EmailPortalFactory : PortalAppFactory
{
    public const string BaseUrl = "https://portal.example.test";

    public EmailPortalFactory(bool useSmtp = true) : base(seedDemo: false)
    {
        SmtpPort = FreePort();
        PickupFolder = Path.Combine(DataDirectory, "mail");
        _useSmtp = useSmtp;
    }

    private readonly bool _useSmtp;
    public int SmtpPort { get; }
    public string PickupFolder { get; }
    /// <summary>Set before the first use of the factory to wrap the real sender (fault injection).</summary>
    public Func<IEmailSender, IEmailSender>? WrapSender { get; set; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        var settings = new Dictionary<string, string?>
        {
            ["Email:From"] = "reviewportal@example.test",
            ["Email:PortalBaseUrl"] = BaseUrl,
            ["Email:PickupFolder"] = PickupFolder,
            ["Email:Smtp:Host"] = _useSmtp ? "127.0.0.1" : "",
            ["Email:Smtp:Port"] = SmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Email:Smtp:UseTls"] = "false",
            ["Email:Smtp:TimeoutSeconds"] = "10",
        };
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureAppConfiguration((_, config) => config.AddInMemoryCollection(settings));
        builder.ConfigureTestServices(services =>
        {
            if (WrapSender is { } wrap)
            {
                var real = services.Single(d => d.ServiceType == typeof(IEmailSender));
                services.RemoveAll<IEmailSender>();
                services.AddSingleton(sp => wrap((IEmailSender)(real.ImplementationFactory?.Invoke(sp) ?? real.ImplementationInstance
                    ?? ActivatorUtilities.CreateInstance(sp, real.ImplementationType!))));
            }
        });
    }

    public SimpleSmtpServer StartSmtp() => SimpleSmtpServer.Start(SmtpPort);

    public Task<OutboxRunResult> SendOutboxAsync() => GetRequiredService<SendOutboxJob>().RunAsync();

    public Task<int> RunRemindersAsync() => GetRequiredService<SendRemindersJob>().RunAsync();

    public string MessageIdOf(string dedupKey) => EmailOutbox.MessageIdFor(dedupKey, "reviewportal@example.test");

    public async Task EnqueueAsync(params string[] keys)
    {
        await using var db = await CreateDbContextAsync();
        foreach (var key in keys)
        {
            await EmailOutbox.EnqueueAsync(db, key, $"{key.Replace(':', '-')}@example.test", $"Test {key}", $"<p>{key}</p>", key, Time.GetUtcNow());
        }
        await db.SaveChangesAsync();
    }

    public async Task<OutboxEmail> MailAsync(string key)
    {
        await using var db = await CreateDbContextAsync();
        return await db.OutboxEmails.AsNoTracking().SingleAsync(m => m.DeduplicationKey == key);
    }

    public async Task<List<AuditEntry>> AuditAsync(string action)
    {
        await using var db = await CreateDbContextAsync();
        return await db.AuditEntries.AsNoTracking().Where(e => e.Action == action).OrderBy(e => e.Sequence).ToListAsync();
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}

/// <summary>What arrived at the SMTP listener, parsed back with MimeKit.</summary>
public static class Received
{
    public static List<MimeMessage> Messages(SimpleSmtpServer server) =>
        server.ReceivedEmail.Select(m => MimeMessage.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(m.Data)))).ToList();

    public static List<(string MessageId, string To)> Envelopes(SimpleSmtpServer server) =>
        Messages(server).Select(m => (m.MessageId ?? "", m.To.Mailboxes.Single().Address)).ToList();
}

/// <summary>Throws once, right after the inner sender accepted a message: the process "dies" between send and mark.</summary>
public sealed class CrashAfterSendSender(IEmailSender inner) : IEmailSender
{
    public bool Armed { get; set; } = true;

    public async Task<IEmailSession> OpenAsync(CancellationToken cancellationToken) => new Session(await inner.OpenAsync(cancellationToken), this);

    public Task<DeliveryCheck> CheckDeliveredAsync(string messageId, CancellationToken cancellationToken) =>
        inner.CheckDeliveredAsync(messageId, cancellationToken);

    private sealed class Session(IEmailSession inner, CrashAfterSendSender owner) : IEmailSession
    {
        public async Task SendAsync(MimeMessage message, CancellationToken cancellationToken)
        {
            await inner.SendAsync(message, cancellationToken);
            if (owner.Armed)
            {
                owner.Armed = false;
                throw new SimulatedCrashException();
            }
        }

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}

public sealed class SimulatedCrashException() : Exception("Simulated crash after the SMTP hand-off, before the outbox row was marked.");

/// <summary>A tiny organization: people with mail addresses and managers, one resource, and campaigns with review items.</summary>
public sealed class EmailWorld(EmailPortalFactory portal)
{
    private int _next;
    private Entitlement? _entitlement;

    public async Task<Identity> PersonAsync(string name, Identity? manager = null, string? email = "")
    {
        await using var db = await portal.CreateDbContextAsync();
        var person = new Identity
        {
            ExternalId = $"user_{name.ToLowerInvariant()}",
            Kind = IdentityKind.Person,
            DisplayName = name,
            Email = email == "" ? $"{name.ToLowerInvariant()}@example.test" : email,
            ManagerId = manager?.Id,
            CreatedAt = portal.Time.GetUtcNow().AddYears(-1),
        };
        db.Identities.Add(person);
        await db.SaveChangesAsync();
        return person;
    }

    public async Task<Entitlement> EntitlementAsync()
    {
        if (_entitlement is not null)
        {
            return _entitlement;
        }
        await using var db = await portal.CreateDbContextAsync();
        var resource = new Resource { ExternalId = "org_test", Name = "Test org", Kind = ResourceKind.Organization, CreatedAt = portal.Time.GetUtcNow().AddYears(-1) };
        _entitlement = new Entitlement { Resource = resource, Kind = EntitlementKind.OrgRole, Value = "user", DisplayName = "Org user" };
        db.Entitlements.Add(_entitlement);
        await db.SaveChangesAsync();
        return _entitlement;
    }

    /// <summary>A campaign launched now, due in <paramref name="dueInDays"/>, with <c>pending</c>/<c>decided</c> items per reviewer.</summary>
    public async Task<Campaign> CampaignAsync(string name, Identity owner, ReminderCadence cadence, int dueInDays,
        params (Identity Reviewer, int Pending, int Decided)[] assignments)
    {
        var entitlement = await EntitlementAsync();
        var now = portal.Time.GetUtcNow();
        await using var db = await portal.CreateDbContextAsync();
        var campaign = new Campaign
        {
            Name = name,
            Status = CampaignStatus.Active,
            CreatedById = owner.Id,
            CreatedAt = now,
            LaunchedAt = now,
            DueAt = now.AddDays(dueInDays),
            Definition = new CampaignDefinition { Name = name, Reminders = cadence, DueAt = now.AddDays(dueInDays) },
        };
        db.Campaigns.Add(campaign);
        foreach (var (reviewer, pending, decided) in assignments)
        {
            for (var i = 0; i < pending + decided; i++)
            {
                var subject = new Identity
                {
                    ExternalId = $"user_subject_{++_next}", Kind = IdentityKind.Person, DisplayName = $"Subject {_next}",
                    Email = $"subject{_next}@example.test", CreatedAt = now.AddYears(-1),
                };
                var grant = new Grant { Identity = subject, EntitlementId = entitlement.Id, GrantedAt = now.AddMonths(-6) };
                db.ReviewItems.Add(new ReviewItem
                {
                    Campaign = campaign, Grant = grant, Identity = subject, EntitlementId = entitlement.Id, ReviewerId = reviewer.Id,
                    Recommendation = Recommendation.Keep, RecommendationReason = "Active", EvidenceAsOf = now, EvidenceHash = "test",
                    Outcome = i < decided ? DecisionOutcome.Keep : null,
                    DecidedById = i < decided ? reviewer.Id : null,
                    DecidedAt = i < decided ? now : null,
                });
            }
        }
        await db.SaveChangesAsync();
        return campaign;
    }

    /// <summary>The reviewer finishes: every pending item of theirs in the campaign gets a decision.</summary>
    public async Task DecideAllAsync(Campaign campaign, Identity reviewer)
    {
        await using var db = await portal.CreateDbContextAsync();
        var now = portal.Time.GetUtcNow();
        await db.ReviewItems.Where(i => i.CampaignId == campaign.Id && i.ReviewerId == reviewer.Id && i.Outcome == null)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.Outcome, DecisionOutcome.Keep)
                .SetProperty(i => i.DecidedById, reviewer.Id).SetProperty(i => i.DecidedAt, now));
    }
}
