using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.Web.Data.Configurations;

public sealed class CampaignTemplateConfiguration : IEntityTypeConfiguration<CampaignTemplate>
{
    public void Configure(EntityTypeBuilder<CampaignTemplate> builder)
    {
        builder.Property(t => t.Name).HasMaxLength(MaxLengths.CampaignTemplate.Name);
        builder.Property(t => t.CronExpression).HasMaxLength(MaxLengths.CampaignTemplate.CronExpression);
        builder.Property(t => t.LastRunProblem).HasMaxLength(MaxLengths.CampaignTemplate.LastRunProblem);
        builder.Property(t => t.Definition).AsDefinitionJson();
        builder.Property(t => t.Version).IsConcurrencyToken();
        // What the hourly job scans: enabled templates whose next run has come.
        builder.HasIndex(t => new { t.Enabled, t.NextRunAt });
        builder.HasOne<Identity>().WithMany().HasForeignKey(t => t.CreatedById).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Identity>().WithMany().HasForeignKey(t => t.UpdatedById).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Campaign>().WithMany().HasForeignKey(t => t.LastCampaignId).OnDelete(DeleteBehavior.Restrict);
    }
}

public sealed class CampaignTemplateRunConfiguration : IEntityTypeConfiguration<CampaignTemplateRun>
{
    public void Configure(EntityTypeBuilder<CampaignTemplateRun> builder)
    {
        builder.Property(r => r.Problem).HasMaxLength(MaxLengths.CampaignTemplateRun.Problem);
        // The last guard of "a run launches once": a second job run or node that got past the template's conditional
        // update (it cannot, see LaunchCampaignTemplatesJob) would still fail here and roll its campaign back.
        builder.HasIndex(r => new { r.TemplateId, r.RunAt }).IsUnique();
        builder.HasOne<CampaignTemplate>().WithMany().HasForeignKey(r => r.TemplateId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Campaign>().WithMany().HasForeignKey(r => r.CampaignId).OnDelete(DeleteBehavior.Restrict);
    }
}
