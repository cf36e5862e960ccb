global using FactAttribute = ReviewPortal.Tests.Infrastructure.SqlServerFactAttribute;
global using TheoryAttribute = ReviewPortal.Tests.Infrastructure.SqlServerTheoryAttribute;
