//! The account's own names, answered as Snowflake's context functions document them
//! (`CURRENT_ORGANIZATION_NAME`, `CURRENT_ACCOUNT_NAME`, `CURRENT_ACCOUNT`, `CURRENT_REGION`: VARCHAR), for
//! any role and without a warehouse.

use crate::emulator_support::*;

#[test]
fn context_functions_name_the_account() {
    let mut e = sample();
    let sql = "SELECT CURRENT_ORGANIZATION_NAME() AS ORG, CURRENT_ACCOUNT_NAME() AS NAME, \
               CURRENT_ACCOUNT() AS LOCATOR, CURRENT_REGION() AS REGION";
    for role in ["ACCOUNTADMIN", "PUBLIC"] {
        let r = select(&mut e, role, sql);
        assert_eq!(names(&r), ["ORG", "NAME", "LOCATOR", "REGION"]);
        assert_eq!(col(&r, "ORG"), ["SNOWCAT"]);
        assert_eq!(col(&r, "NAME"), ["EMULATOR"]);
        assert_eq!(col(&r, "LOCATOR"), ["EM10001"]);
        assert_eq!(col(&r, "REGION"), ["AWS_US_WEST_2"]);
    }
    // Another account answers its own names.
    e.account_mut().identity.name = "PROD".into();
    let r = select(
        &mut e,
        "ACCOUNTADMIN",
        "SELECT CURRENT_ORGANIZATION_NAME() || '-' || CURRENT_ACCOUNT_NAME() AS ID",
    );
    assert_eq!(col(&r, "ID"), ["SNOWCAT-PROD"]);
}
