//! The users every emulator starts with. Ids are fixed so tests, docs and demos can name them.

use uuid::{Uuid, uuid};

use crate::users::{NewUser, UserStore};

pub const ADELE_ID: Uuid = uuid!("87d349ed-44d7-43e1-9a83-5f2406dee5bd");
pub const ALEX_ID: Uuid = uuid!("6e7b768e-07e2-4810-8459-485f84f8f204");
pub const MEGAN_ID: Uuid = uuid!("48d31887-5fad-4d73-a9f5-3c356e68a038");
pub const LEE_ID: Uuid = uuid!("5bde3e51-d13b-4db1-9948-fe4b109d11a7");
/// A UPN that starts with `$`: must be addressed as `users('$svc-backup@contoso.com')`.
pub const SVC_BACKUP_ID: Uuid = uuid!("b5b1c7e0-2f4b-4c8e-9d1a-3e5f7a9c0d11");
/// A guest: its UPN contains `#`, which clients must send as `%23`.
pub const JANE_GUEST_ID: Uuid = uuid!("c0ffee00-5a1e-4e57-9a7e-00000000ca5e");

/// More external guests: revoking them answers 200 and changes nothing here.
pub const SAM_GUEST_ID: Uuid = uuid!("c0ffee00-5a1e-4e57-9a7e-0000000005a3");
pub const PRIYA_GUEST_ID: Uuid = uuid!("c0ffee00-5a1e-4e57-9a7e-00000000971a");

pub const SVC_BACKUP_UPN: &str = "$svc-backup@contoso.com";
pub const JANE_GUEST_UPN: &str = "jane.doe_fabrikam.com#EXT#@contoso.onmicrosoft.com";

fn guest(id: Uuid, given: &str, surname: &str, home: &str) -> NewUser {
    let mail = format!("{}.{}@{home}", given.to_lowercase(), surname.to_lowercase());
    NewUser {
        id: Some(id),
        // Entra's form for an invited account: its home mail with '@' as '_', then #EXT#.
        user_principal_name: format!("{}#EXT#@contoso.onmicrosoft.com", mail.replace('@', "_")),
        display_name: Some(format!("{given} {surname} ({})", home.split('.').next().unwrap_or(home))),
        given_name: Some(given.to_string()),
        surname: Some(surname.to_string()),
        mail: Some(mail),
        user_type: Some("Guest".to_string()),
        ..NewUser::default()
    }
}

fn member(id: Uuid, given: &str, surname: &str, upn: &str, job: &str, office: &str) -> NewUser {
    NewUser {
        id: Some(id),
        user_principal_name: upn.to_string(),
        display_name: Some(format!("{given} {surname}")),
        given_name: Some(given.to_string()),
        surname: Some(surname.to_string()),
        mail: Some(upn.to_string()),
        job_title: Some(job.to_string()),
        office_location: Some(office.to_string()),
        preferred_language: Some("en-US".to_string()),
        business_phones: vec!["+1 425 555 0109".to_string()],
        user_type: Some("Member".to_string()),
        ..NewUser::default()
    }
}

pub fn seed_users() -> Vec<NewUser> {
    vec![
        member(ADELE_ID, "Adele", "Vance", "AdeleV@contoso.com", "Retail Manager", "18/2111"),
        member(ALEX_ID, "Alex", "Wilber", "AlexW@contoso.com", "Marketing Assistant", "131/1104"),
        member(MEGAN_ID, "Megan", "Bowen", "MeganB@contoso.com", "Auditor", "12/1110"),
        member(LEE_ID, "Lee", "Gu", "LeeG@contoso.com", "Director", "23/3101"),
        NewUser {
            id: Some(SVC_BACKUP_ID),
            user_principal_name: SVC_BACKUP_UPN.to_string(),
            display_name: Some("Backup Service".to_string()),
            user_type: Some("Member".to_string()),
            ..NewUser::default()
        },
        NewUser {
            id: Some(JANE_GUEST_ID),
            user_principal_name: JANE_GUEST_UPN.to_string(),
            display_name: Some("Jane Doe (Fabrikam)".to_string()),
            given_name: Some("Jane".to_string()),
            surname: Some("Doe".to_string()),
            mail: Some("jane.doe@fabrikam.com".to_string()),
            user_type: Some("Guest".to_string()),
            ..NewUser::default()
        },
        guest(SAM_GUEST_ID, "Sam", "Rivera", "tailspintoys.com"),
        guest(PRIYA_GUEST_ID, "Priya", "Patel", "northwindtraders.com"),
    ]
}

/// The seeded directory plus `extra` generated users.
pub fn directory(extra: u64) -> UserStore {
    let store = UserStore::new();
    for user in seed_users() {
        // The seed list is fixed and unique; a failure here is a programming error.
        store.add(user).expect("seed users are unique");
    }
    store.add_generated(extra);
    store
}
