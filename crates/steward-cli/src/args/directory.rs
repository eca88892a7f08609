use clap::{Args, Subcommand};

#[derive(Subcommand, Debug)]
pub enum DirectoryCmd {
    /// Set where the council's directory is and what its attributes and groups mean
    #[command(subcommand)]
    Set(Box<DirectorySource>),
    /// Show the directory settings (never a secret)
    Show,
    /// Compare the directory with the register: who joins, who changes, who leaves
    Sync(SyncArgs),
}

#[derive(Subcommand, Debug)]
pub enum DirectorySource {
    /// An LDAP directory: on-premises Active Directory or OpenLDAP
    Ldap(LdapArgs),
    /// Microsoft Graph, for Entra ID
    Graph(GraphArgs),
    /// SCIM provisioning: Entra ID pushes joiners, movers and leavers to /scim/v2
    Scim(ScimArgs),
}

/// What the SCIM attributes and groups the directory pushes mean.
#[derive(Args, Debug)]
pub struct ScimArgs {
    /// The SCIM attribute holding each user's lasting id
    #[arg(long, value_name = "ATTRIBUTE", default_value = "externalId")]
    pub id_attribute: String,
    /// The SCIM attribute holding the person's reference in the register
    #[arg(long, value_name = "ATTRIBUTE", default_value = "employeeNumber")]
    pub reference_attribute: String,
    /// The SCIM attribute holding the person's name
    #[arg(long, value_name = "ATTRIBUTE", default_value = "displayName")]
    pub name_attribute: String,
    /// The SCIM attribute holding the person's email address
    #[arg(long, value_name = "ATTRIBUTE", default_value = "emails")]
    pub email_attribute: String,
    /// A SCIM attribute whose value is a kind of person (userType, say)
    #[arg(long, value_name = "ATTRIBUTE")]
    pub kind_attribute: Option<String>,
    /// The kind of anyone whose attribute and groups give none
    #[arg(long, value_name = "KIND")]
    pub default_kind: Option<String>,
    /// A group (its object id or display name) and what its members are: GROUP=KIND,
    /// GROUP=office:OFFICE or GROUP=KIND,office:OFFICE (repeatable); with any, only members
    /// of these groups are in the register
    #[arg(long = "group", value_name = "MAPPING")]
    pub groups: Vec<String>,
}

#[derive(Args, Debug)]
pub struct LdapArgs {
    /// ldap://host:389 or ldaps://host:636
    #[arg(long)]
    pub url: String,
    /// Where people are searched for (the whole subtree)
    #[arg(long, value_name = "DN")]
    pub base_dn: String,
    /// The account to sign in as; without it the search is anonymous
    #[arg(long, value_name = "DN")]
    pub bind_dn: Option<String>,
    /// A file holding the account's password (read at each sync, never stored)
    #[arg(long, value_name = "FILE", conflicts_with = "password_env")]
    pub password_file: Option<String>,
    /// An environment variable holding the account's password
    #[arg(long, value_name = "NAME")]
    pub password_env: Option<String>,
    /// The search filter that finds people
    #[arg(long, default_value = "(objectClass=person)")]
    pub filter: String,
    /// The attribute holding each entry's lasting id
    #[arg(long, value_name = "ATTRIBUTE", default_value = "entryUUID")]
    pub id_attribute: String,
    #[command(flatten)]
    pub mapping: MappingArgs,
}

#[derive(Args, Debug)]
pub struct GraphArgs {
    /// The directory (tenant) id of the council's Entra ID
    #[arg(long, required_unless_present = "token_url")]
    pub tenant: Option<String>,
    /// Where to ask for a token, when not Entra ID's usual address for the tenant
    #[arg(long, value_name = "URL")]
    pub token_url: Option<String>,
    /// Microsoft Graph's address
    #[arg(
        long,
        value_name = "URL",
        default_value = "https://graph.microsoft.com/v1.0"
    )]
    pub base_url: String,
    /// The application (client) id of the app registration
    #[arg(long)]
    pub client_id: String,
    /// A file holding the client secret (read at each sync, never stored)
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with = "client_secret_env",
        required_unless_present = "client_secret_env"
    )]
    pub client_secret_file: Option<String>,
    /// An environment variable holding the client secret
    #[arg(long, value_name = "NAME")]
    pub client_secret_env: Option<String>,
    #[command(flatten)]
    pub mapping: MappingArgs,
}

/// What the directory's attributes and groups mean, for either source.
#[derive(Args, Debug)]
pub struct MappingArgs {
    /// The attribute holding the person's reference in the register
    #[arg(long, value_name = "ATTRIBUTE")]
    pub reference_attribute: Option<String>,
    /// The attribute holding the person's name
    #[arg(long, value_name = "ATTRIBUTE", default_value = "displayName")]
    pub name_attribute: String,
    /// The attribute holding the person's email address
    #[arg(long, value_name = "ATTRIBUTE", default_value = "mail")]
    pub email_attribute: String,
    /// An attribute whose value is a kind of person (councillor, employee...)
    #[arg(long, value_name = "ATTRIBUTE")]
    pub kind_attribute: Option<String>,
    /// The kind of anyone whose attribute and groups give none
    #[arg(long, value_name = "KIND")]
    pub default_kind: Option<String>,
    /// A group and what its members are: GROUP=KIND, GROUP=office:OFFICE or
    /// GROUP=KIND,office:OFFICE (repeatable); with any, only members of these groups are synced
    #[arg(long = "group", value_name = "MAPPING")]
    pub groups: Vec<String>,
    /// Apply a sync once a day while `steward serve` runs
    #[arg(long)]
    pub daily: bool,
}

#[derive(Args, Debug)]
#[group(required = true, multiple = false)]
pub struct SyncArgs {
    /// Show what would change, and change nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Make the changes, all or none
    #[arg(long)]
    pub apply: bool,
}
