-- The changes `snowcat demo` makes to the sample account between its two crawls, run as ACCOUNTADMIN
-- through the SQL API one statement at a time. Each one should appear exactly once in the demo's diff
-- (tests/it/demo.rs checks that), so keep this list and that test in step.

-- A new nullable column: additive.
ALTER TABLE SALES.CORE.CUSTOMERS ADD COLUMN PHONE VARCHAR(32) COMMENT 'E.164 phone number';

-- A column dropped: breaking for anyone who selects it.
ALTER TABLE SALES.CORE.PRODUCTS DROP COLUMN WEIGHT_KG;

-- A type narrowed (precision 14 -> 10): breaking.
ALTER TABLE SALES.CORE.ORDERS ALTER COLUMN TOTAL SET DATA TYPE NUMBER(10,2);

-- A table dropped: breaking.
DROP TABLE SALES.STAGING.RAW_EVENTS;

-- A table re-created under the same name (new identity, one more column).
CREATE OR REPLACE TABLE SALES.REPORTING.MONTHLY_REVENUE (
    MONTH DATE NOT NULL PRIMARY KEY,
    REVENUE NUMBER(18,2),
    CURRENCY CHAR(3)
);

-- A privilege granted and one revoked: security.
GRANT SELECT ON TABLE SALES.CORE.ORDERS TO ROLE ANALYST;
REVOKE OPERATE ON WAREHOUSE COMPUTE_WH FROM ROLE ANALYST;

-- A warehouse resized.
ALTER WAREHOUSE TRANSFORM_WH SET WAREHOUSE_SIZE = XLARGE;

-- The crawler loses one schema: the next crawl cannot see FINANCE.LEDGER. That is a coverage gap, not
-- a deletion: nothing under it may be reported removed.
REVOKE USAGE ON SCHEMA FINANCE.LEDGER FROM ROLE SNOWCAT_CRAWLER;

-- Pipeline objects: a view's SQL changes (same columns: additive; `snowcat diff --text` shows the old and
-- new text as a unified diff) and a task is suspended (an operational change). Re-creating
-- MONTHLY_REVENUE above also made the stream on it stale (operational too).
CREATE OR REPLACE VIEW SALES.REPORTING.ACTIVE_CUSTOMERS COPY GRANTS COMMENT = 'Customers with IS_ACTIVE' AS
    SELECT CUSTOMER_ID, EMAIL FROM SALES.CORE.CUSTOMERS WHERE IS_ACTIVE AND EMAIL LIKE '%@%';
ALTER TASK SALES.PIPELINE.LOAD_ORDERS SUSPEND;

-- Access (issue 16): a database role granted to an account role, and the masking policy taken off the
-- PII-tagged column CUSTOMERS.EMAIL. Both are security changes; the grant also opens a new path to the
-- PII table, which the diff reports with the path (`snowcat access` shows every path to it).
GRANT DATABASE ROLE SALES.READER TO ROLE FINANCE_ANALYST;
ALTER TABLE SALES.CORE.CUSTOMERS MODIFY COLUMN EMAIL UNSET MASKING POLICY;
