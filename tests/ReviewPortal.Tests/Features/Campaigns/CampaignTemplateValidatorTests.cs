using Microsoft.Extensions.Time.Testing;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Campaigns;

namespace ReviewPortal.Tests.Features.Campaigns;

/// <summary>The recurring campaign's own fields, each with its message; the definition is the wizard's (its validator's).</summary>
public class CampaignTemplateValidatorTests
{
    private static readonly FakeTimeProvider Time = new(PortalAppFactory.Now);
    private static readonly CampaignTemplateValidator Validator = new(Time, new CampaignDefinitionValidator(Time));
    private static readonly DateOnly Today = DateOnly.FromDateTime(PortalAppFactory.Now.UtcDateTime);

    private static CampaignTemplateForm Valid() => new()
    {
        Name = "Quarterly Claude access review",
        Schedule = TemplateSchedule.Quarterly,
        StartsOn = Today.AddDays(5),
        DurationDays = 21,
        Definition = new CampaignDefinition
        {
            EntitlementKinds = [EntitlementKind.OrgRole], IdentityKinds = [IdentityKind.Person], FallbackReviewerId = 1,
        },
    };

    private static IDictionary<string, string> Errors(CampaignTemplateForm form) =>
        Validator.Validate(form).Errors.GroupBy(e => e.PropertyName).ToDictionary(g => g.Key, g => g.First().ErrorMessage);

    [Fact]
    public void Valid_Passes() => Assert.Empty(Errors(Valid()));

    [Fact]
    public void StartsOn_Yesterday_Refused()
    {
        var errors = Errors(Valid() with { StartsOn = Today.AddDays(-1) });

        Assert.Equal("The start date must be today or later.", Assert.Single(errors).Value);
        Assert.Equal(nameof(CampaignTemplateForm.StartsOn), errors.Single().Key);
    }

    [Fact]
    public void StartsOn_PastButUnchangedOnAnExistingTemplate_Accepted() =>
        Assert.Empty(Errors(Valid() with { Id = 7, StartsOn = Today.AddDays(-40), OriginalStartsOn = Today.AddDays(-40) }));

    [Theory]
    [InlineData(0)]
    [InlineData(366)]
    [InlineData(-3)]
    public void DurationDays_OutsideOneTo365_Refused(int days) =>
        Assert.Equal("Each run must be due between 1 and 365 days after it launches.", Errors(Valid() with { DurationDays = days })[nameof(CampaignTemplateForm.DurationDays)]);

    [Theory]
    [InlineData(1)]
    [InlineData(365)]
    public void DurationDays_Bounds_Accepted(int days) => Assert.Empty(Errors(Valid() with { DurationDays = days }));

    [Theory]
    [InlineData("every quarter")]
    [InlineData("0 6 31 2 * *")]
    [InlineData("61 * * * *")]
    public void Cron_NotParsable_Refused(string cron) =>
        Assert.Equal("This is not a cron schedule Cronos can read: five fields, minute hour day month weekday.",
            Errors(Valid() with { Schedule = TemplateSchedule.Cron, CronExpression = cron })[nameof(CampaignTemplateForm.CronExpression)]);

    [Fact]
    public void Cron_Missing_Refused() =>
        Assert.StartsWith("Write the cron schedule", Errors(Valid() with { Schedule = TemplateSchedule.Cron, CronExpression = " " })[nameof(CampaignTemplateForm.CronExpression)]);

    [Fact]
    public void Cron_Parsable_AcceptedAndItsNextRunsShown()
    {
        var form = Valid() with { Schedule = TemplateSchedule.Cron, CronExpression = "0 6 1 */3 *" };

        Assert.Empty(Errors(form));
        Assert.Equal(4, form.NextRuns(PortalAppFactory.Now, 4).Count);
    }

    [Fact]
    public void Name_OverLong_RefusedWithItsLength()
    {
        var name = new string('n', MaxLengths.CampaignTemplate.Name + 1);

        Assert.Equal($"Keep the name to {MaxLengths.CampaignTemplate.Name} characters; this one has {name.Length}.",
            Errors(Valid() with { Name = name })[nameof(CampaignTemplateForm.Name)]);
    }

    [Fact]
    public void Name_Empty_Refused() => Assert.Contains(nameof(CampaignTemplateForm.Name), Errors(Valid() with { Name = "" }).Keys);

    [Fact]
    public void Definition_WithoutScope_RefusedOnTheDefinitionsField() =>
        Assert.Equal("Pick at least one kind of entitlement to review.",
            Errors(Valid() with { Definition = Valid().Definition with { EntitlementKinds = [] } })["Definition.EntitlementKinds"]);
}
