/** The retail demo database (`seg demo`, benchmarks, examples). */
export { DEFAULT_AS_OF, generateRetail, type GenerateRetailOptions, type RetailCounts } from './generate-retail';
export { RETAIL_TABLES, type RetailTable } from './retail-schema';
