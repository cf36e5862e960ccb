global using FactAttribute = ReviewPortal.Tests.Infrastructure.PostgresFactAttribute;
global using TheoryAttribute = ReviewPortal.Tests.Infrastructure.PostgresTheoryAttribute;
