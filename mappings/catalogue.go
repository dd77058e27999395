package mappings

// Basis says whether an entry is a legal mandate or a recommendation.
const (
	BasisCRA      = "cra"
	BasisPractice = "practice"
)

// Catalogue is one requirement source in one edition.
type Catalogue struct {
	ID      string `yaml:"id" json:"id"`
	Prefix  string `yaml:"prefix" json:"-"` // every entry ID starts with it
	Title   string `yaml:"title" json:"title"`
	Edition string `yaml:"edition" json:"edition"`
	Source  string `yaml:"source" json:"source"`
	// Basis is the default basis of the catalogue's entries.
	Basis   string  `yaml:"basis" json:"basis"`
	Entries []Entry `yaml:"entries" json:"entries"`
}

// Entry is one requirement, recommendation or descriptive item of a catalogue.
type Entry struct {
	ID    string `yaml:"id" json:"id"`
	Title string `yaml:"title" json:"title"`
	// Text is craudit's own short paraphrase, never the source's wording.
	Text string `yaml:"text" json:"text"`
	// Kind says what the entry is where a catalogue mixes kinds (step,
	// recommendation, group, trust-domain, delivery-model, actor).
	Kind  string `yaml:"kind" json:"kind,omitempty"`
	Basis string `yaml:"basis" json:"basis"`
	// Known is false for placeholders of items a source has but that are not
	// known here; they carry no title, text or group.
	Known *bool `yaml:"known" json:"-"`
	// Group is the slug of the ENISA recommendation group (enisa/group/<slug>).
	Group string `yaml:"group" json:"group,omitempty"`
	// Step is the ENISA lifecycle step an enisa/step entry describes.
	Step int `yaml:"step" json:"step,omitempty"`
	// Steps are the lifecycle steps a recommendation serves.
	Steps []int `yaml:"steps" json:"steps,omitempty"`
	// Domains are the trust domains (enisa/domain/<slug>) a step runs in.
	Domains []string `yaml:"domains" json:"domains,omitempty"`
	// Stride are the STRIDE letters (stride/<letter>) the advisory assigns.
	Stride []string `yaml:"stride" json:"stride,omitempty"`
	// Related are IDs of entries in any catalogue this one corresponds to.
	Related []string `yaml:"related" json:"related,omitempty"`

	// Catalogue, Source and Edition are filled in from the catalogue.
	Catalogue string `yaml:"-" json:"catalogue"`
	Source    string `yaml:"-" json:"source"`
	Edition   string `yaml:"-" json:"edition"`
}

// IsKnown reports whether the entry's content is known (not a placeholder).
func (e Entry) IsKnown() bool { return e.Known == nil || *e.Known }

// DisplayTitle is the title, or a plain statement that the item is unknown.
func (e Entry) DisplayTitle() string {
	if !e.IsKnown() {
		return "(not known: this item of the source is not available to craudit)"
	}
	return e.Title
}

// Ref names a catalogue edition, for results.json's catalogues list.
type Ref struct {
	ID      string `json:"id"`
	Edition string `json:"edition"`
}
