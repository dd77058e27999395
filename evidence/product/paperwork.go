package product

// ConformityDeclaration is what the EU declaration of conformity (Annex V, or the
// simplified form of Annex VI) needs beyond the rest of product.yaml. A
// field left empty is shown as missing in the declaration, never invented.
type ConformityDeclaration struct {
	// Place and Signatory sign the declaration for and on behalf of the
	// manufacturer (Annex V point 8); the date of issue is the reference
	// time of the command that renders it.
	Place     string `yaml:"place" json:"place,omitempty"`
	Signatory struct {
		Name     string `yaml:"name" json:"name,omitempty"`
		Function string `yaml:"function" json:"function,omitempty"`
	} `yaml:"signatory" json:"signatory"`
	// NotifiedBody is set where a notified body took part (Annex V point 7:
	// name, number, the procedure it carried out, the certificate issued).
	NotifiedBody *struct {
		Name        string `yaml:"name" json:"name,omitempty"`
		Number      string `yaml:"number" json:"number,omitempty"`
		Procedure   string `yaml:"procedure" json:"procedure,omitempty"`
		Certificate string `yaml:"certificate" json:"certificate,omitempty"`
	} `yaml:"notified_body" json:"notified_body,omitempty"`
	// AdditionalInformation is the "additional information" of Annex V
	// point 8.
	AdditionalInformation string `yaml:"additional_information" json:"additional_information,omitempty"`
	// OtherLegislation names further Union harmonisation legislation the
	// product conforms to (Annex V point 5); the CRA itself is always named.
	OtherLegislation []string `yaml:"other_legislation" json:"other_legislation,omitempty"`
}

// UserInformation is the Annex II information and instructions for users
// that product.yaml does not already carry elsewhere.
type UserInformation struct {
	// SecurityProperties is part of Annex II point 4.
	SecurityProperties []string `yaml:"security_properties" json:"security_properties,omitempty"`
	// Risks are Annex II point 5: foreseeable circumstances that may lead
	// to significant cybersecurity risks.
	Risks []string `yaml:"risks" json:"risks,omitempty"`
	// TechnicalSupport is the type of technical security support (point 7).
	TechnicalSupport string `yaml:"technical_support" json:"technical_support,omitempty"`
	// Instructions are Annex II point 8 (a)-(f).
	Instructions struct {
		SecureUse          string `yaml:"secure_use" json:"secure_use,omitempty"`                       // 8(a)
		ChangesAffect      string `yaml:"changes_affect" json:"changes_affect,omitempty"`               // 8(b)
		InstallUpdates     string `yaml:"install_updates" json:"install_updates,omitempty"`             // 8(c)
		Decommissioning    string `yaml:"decommissioning" json:"decommissioning,omitempty"`             // 8(d)
		TurnOffAutoUpdates string `yaml:"turn_off_auto_updates" json:"turn_off_auto_updates,omitempty"` // 8(e)
		Integration        string `yaml:"integration" json:"integration,omitempty"`                     // 8(f)
	} `yaml:"instructions" json:"instructions"`
	// EndOfSupportNotice says how users are told that support ends
	// (Art. 13(19)).
	EndOfSupportNotice string `yaml:"end_of_support_notice" json:"end_of_support_notice,omitempty"`
}
